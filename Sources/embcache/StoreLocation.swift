import EmbeddingCache
import EmbeddingCacheSQLite
import Foundation

/// Opens the store a `--store` location names.
enum StoreLocation {
    /// The location used when neither `--store` nor `EMBCACHE_STORE` is set.
    static var defaultLocation: String { SQLiteEmbeddingStore.defaultPath }

    /// Opens (creating when absent) the store at `location`.
    ///
    /// - Throws: ``EmbeddingCacheError`` when the file is not an embcache store, is from a newer
    ///   schema, or cannot be created.
    static func open(_ location: String) throws -> any EmbeddingStore {
        try SQLiteEmbeddingStore(path: location)
    }

    /// Opens the store at `location` when it exists, without creating one.
    ///
    /// - Returns: The store, or `nil` when nothing exists at `location` yet.
    /// - Throws: ``EmbeddingCacheError`` when the file is not an embcache store, is from a newer
    ///   schema, or is damaged.
    static func openExisting(_ location: String) throws -> (any EmbeddingStore)? {
        guard FileManager.default.fileExists(atPath: location) else { return nil }
        return try open(location)
    }
}
