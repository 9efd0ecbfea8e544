internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import FoundationEssentials
internal import GRDB
internal import Testing

struct SQLiteCompatibilityTests {
    private func expectIncompatible(
        _ folder: TemporaryFolder,
        mentioning words: String,
        code: EmbeddingCacheError.Code = .storeIncompatible
    ) throws {
        let error = #expect(throws: EmbeddingCacheError.self) { try folder.store() }
        #expect(error?.code == code)
        #expect(error?.message.contains(folder.databasePath) == true)
        #expect(error?.message.contains(words) == true, "message: \(error?.message ?? "")")
    }

    private func makeDatabase(_ folder: TemporaryFolder, _ sql: String) throws {
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: folder.databasePath).deletingLastPathComponent().path,
            withIntermediateDirectories: true
        )
        let database = try DatabaseQueue(path: folder.databasePath)
        try database.writeWithoutTransaction { try $0.execute(sql: sql) }
        try database.close()
    }

    @Test func foreignApplicationIDIsRefused() throws {
        let folder = try TemporaryFolder()
        try makeDatabase(folder, "PRAGMA application_id = 1234; CREATE TABLE notes (text TEXT)")
        try expectIncompatible(folder, mentioning: "another application")
        let journal = try DatabaseQueue(path: folder.databasePath).read {
            try String.fetchOne($0, sql: "PRAGMA journal_mode")
        }
        #expect(journal == "delete", "a foreign database is left as it was")
    }

    @Test func foreignTablesWithoutApplicationIDAreRefused() throws {
        let folder = try TemporaryFolder()
        try makeDatabase(folder, "CREATE TABLE notes (text TEXT)")
        try expectIncompatible(folder, mentioning: "another application")
    }

    @Test func emptySQLiteFileIsAdopted() async throws {
        let folder = try TemporaryFolder()
        try makeDatabase(folder, "PRAGMA user_version = 0")
        let store = try folder.store()
        try await store.put([Fixtures.entry(seed: 1)], in: Fixtures.namespace)
        #expect(try await store.statistics().totalEntries == 1)
    }

    @Test(arguments: [
        "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')",
        "PRAGMA user_version = 99",
    ])
    func newerSchemaIsRefused(change: String) throws {
        let folder = try TemporaryFolder()
        _ = try folder.store()
        let database = try DatabaseQueue(path: folder.databasePath)
        try database.writeWithoutTransaction { try $0.execute(sql: change) }
        try database.close()
        try expectIncompatible(folder, mentioning: "newer version of embcache")
    }

    @Test func fileThatIsNotSQLiteIsRefused() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: folder.databasePath).deletingLastPathComponent().path,
            withIntermediateDirectories: true
        )
        let text = Data(String(repeating: "these are not the bytes of a database\n", count: 100).utf8)
        try text.write(to: URL(fileURLWithPath: folder.databasePath))
        // It may be an embcache store whose header was damaged: the message names the repair.
        try expectIncompatible(folder, mentioning: "not an SQLite database", code: .storeDamaged)
        try expectIncompatible(folder, mentioning: "embcache verify --repair --store", code: .storeDamaged)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.databasePath)) == text, "the file is left as it was")
    }

    @Test func unwritableLocationIsAStoreFailure() throws {
        let error = #expect(throws: EmbeddingCacheError.self) {
            try SQLiteEmbeddingStore(path: "/dev/null/embcache/cache.sqlite")
        }
        #expect(error?.code == .storeFailed)
        #expect(error?.message.contains("/dev/null/embcache/cache.sqlite") == true)
    }

    @Test func concurrentOpensMigrateOnce() async throws {
        let folder = try TemporaryFolder()
        let stores = try await withThrowingTaskGroup(of: SQLiteEmbeddingStore.self) { group in
            for _ in 0..<8 { group.addTask { try folder.store() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for (index, store) in stores.enumerated() {
            try await store.put([Fixtures.entry(seed: UInt64(index))], in: Fixtures.namespace)
        }
        let reopened = try folder.store()
        #expect(try await reopened.statistics().totalEntries == stores.count)
        let database = try DatabaseQueue(path: folder.databasePath)
        let (migrations, version) = try await database.read { db in
            (
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"),
                try Int.fetchOne(db, sql: "PRAGMA user_version")
            )
        }
        #expect(migrations == ["v1", "v2-record-format", "leases", "v3-record-format"])
        #expect(version == 3)
    }
}
