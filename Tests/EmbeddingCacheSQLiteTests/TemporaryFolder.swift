internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import FoundationEssentials

/// A fresh folder per test, removed when the value is released.
final class TemporaryFolder: Sendable {
    private let scratch: ScratchDirectory

    init() throws { scratch = try ScratchDirectory(prefix: "embcache") }

    /// The folder.
    var path: String { scratch.path }

    /// A database path inside the folder, in a subfolder the store has to create.
    var databasePath: String { "\(path)/store/cache.sqlite" }

    /// Opens a store on ``databasePath``.
    func store(
        clock: TestClock = TestClock(),
        _ adjust: (inout SQLiteEmbeddingStore.Configuration) -> Void = { _ in }
    ) throws -> SQLiteEmbeddingStore {
        var configuration = SQLiteEmbeddingStore.Configuration()
        configuration.now = clock.now
        adjust(&configuration)
        return try SQLiteEmbeddingStore(path: databasePath, configuration: configuration)
    }
}
