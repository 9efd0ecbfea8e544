internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import FoundationEssentials
internal import Testing

/// What a store leaves behind when it is released.
struct SQLiteCloseTests {
    /// The next process must find every record in the database file, which lookups map, not in a
    /// write-ahead log that SQLite reads page by page.
    @Test func releasingTheStoreFoldsTheLogIntoTheDatabaseFile() async throws {
        let folder = try TemporaryFolder()
        let entries = (0..<50).map { Fixtures.entry(seed: $0) }
        do {
            let store = try folder.store()
            try await store.put(entries, in: Fixtures.namespace)
            let found = try await store.records(for: entries.map(\.digest), in: Fixtures.namespace)
            #expect(found.allSatisfy { $0 != nil })
        }
        let log = "\(folder.databasePath)-wal"
        let logSize = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0
        #expect(logSize == 0, "the write-ahead log still holds \(logSize) bytes")
        let reopened = try folder.store()
        let found = try await reopened.records(for: entries.map(\.digest), in: Fixtures.namespace)
        #expect(found == entries.map(\.record))
    }
}
