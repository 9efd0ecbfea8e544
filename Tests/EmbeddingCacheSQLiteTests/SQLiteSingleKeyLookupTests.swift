internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import Testing

/// A lookup of one key runs in its statement's own read transaction rather than in one begun and
/// committed around it; that transaction must end with the lookup, whatever way the payload was
/// read, or the connection would keep serving the snapshot of its first lookup.
struct SQLiteSingleKeyLookupTests {
    private let namespace = Fixtures.namespace

    /// 16 float32 values are read from the row, 4 200 (over 16 KiB) through a blob handle, and
    /// 300 000 (1.2 MB) from a side file.
    @Test(arguments: [16, 4200, 300_000])
    func aSingleKeyLookupSeesTheRecordWrittenAfterThePreviousOne(dimension: Int) async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store()
        let first = Fixtures.entry(seed: 1, dimension: dimension)
        let replacement = StoreEntry(digest: first.digest, record: Fixtures.entry(seed: 2, dimension: dimension).record)
        #expect(first.record != replacement.record)

        try await store.put([first], in: namespace)
        #expect(try await store.records(for: [first.digest], in: namespace) == [first.record])
        try await store.put([replacement], in: namespace)
        for _ in 0..<3 {
            #expect(try await store.records(for: [first.digest], in: namespace) == [replacement.record])
        }
        let absent = Fixtures.digest(seed: 99)
        #expect(try await store.records(for: [absent], in: namespace) == [nil])
        #expect(
            try await store.records(for: [absent, first.digest], in: namespace) == [nil, replacement.record]
        )
    }
}
