public import EmbeddingCache
import EmbeddingCacheSQLite
import FoundationEssentials

/// The SQLite stores a simulation creates, one file per strategy or run, all in one folder.
///
/// Every store starts empty: a file that already exists is refused rather than reused, so a
/// simulation's cold cycle is always cold.
public struct ScratchStores: Sendable {
    /// The folder holding the stores.
    public let folder: String

    /// Uses `folder` for the stores; it is created on the first store.
    ///
    /// - Parameter folder: The folder.
    public init(folder: String) { self.folder = folder }

    /// The path of the store named `name`: `folder/name.sqlite`.
    public func path(of name: String) -> String { folder + "/" + name + ".sqlite" }

    /// Creates the empty store `folder/name.sqlite`.
    ///
    /// - Parameter name: The store's name, such as a strategy's.
    /// - Returns: The store.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` when the file already exists or the
    ///   folder cannot be created; the store's error when the file cannot be created.
    public func makeStore(named name: String) throws -> any EmbeddingStore {
        let path = path(of: name)
        guard !FileManager.default.fileExists(atPath: path) else {
            throw EmbeddingCacheError(
                .invalidArgument,
                "'\(path)' already exists; a simulation starts from empty stores, so remove it or choose another folder"
            )
        }
        try SimulationFiles.createFolder(folder)
        return try SQLiteEmbeddingStore(path: path)
    }
}
