internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import FoundationEssentials

/// A fresh folder per test, removed when the value is released.
final class TemporaryFolder: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("embcache-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

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
