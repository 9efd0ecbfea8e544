internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import Foundation
internal import GRDB
internal import Testing

/// A store opened on a `DatabasePool` its caller made: the same tables, records and side files as
/// a store opened by path.
struct SQLiteCallerPoolTests {
    @Test func aStoreOnTheCallersPoolKeepsRecordsAStoreByPathReads() async throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/callers.sqlite"
        let pool = try DatabasePool(path: path)
        var configuration = SQLiteEmbeddingStore.Configuration()
        configuration.sideFileThreshold = 64
        let store = try SQLiteEmbeddingStore(pool: pool, configuration: configuration)
        let entries = (0..<4).map { Fixtures.entry(seed: $0) }
        try await store.put(entries, in: Fixtures.namespace)
        #expect(store.path == path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(path).blobs").count == entries.count)

        let byPath = try SQLiteEmbeddingStore(path: path)
        let found = try await byPath.records(for: entries.map(\.digest), in: Fixtures.namespace)
        #expect(found == entries.map(\.record))
        let tables = try await pool.read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        #expect(tables.contains("entry") && tables.contains("claim"))
    }

    @Test func aPoolOnAnotherApplicationsDatabaseIsRefused() async throws {
        let folder = try TemporaryFolder()
        let pool = try DatabasePool(path: "\(folder.path)/other.sqlite")
        try await pool.write { try $0.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY)") }
        #expect {
            try SQLiteEmbeddingStore(pool: pool)
        } throws: { error in
            (error as? EmbeddingCacheError)?.code == .storeIncompatible
        }
    }
}
