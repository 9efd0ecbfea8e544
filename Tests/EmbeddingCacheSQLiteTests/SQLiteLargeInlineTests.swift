internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import FoundationEssentials
internal import GRDB
internal import Testing

/// Inline payloads that spill onto overflow pages (16 KiB up to the side-file threshold) are read
/// through a blob handle rather than the lookup's row; they must come back exactly as stored.
struct SQLiteLargeInlineTests {
    private let namespace = Fixtures.namespace

    @Test func payloadsOnEitherSideOfTheBlobThresholdComeBackAsStored() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store()
        // 3 900 and 4 200 float32 values sit just under and over 16 KiB; 100 000 is 400 KB, still
        // inline; 300 000 (1.2 MB) goes to a side file.
        let entries = [3900, 4200, 16, 100_000, 300_000, 4200].enumerated().map { index, dimension in
            Fixtures.entry(seed: UInt64(index + 1), dimension: dimension)
        }
        try await store.put(entries, in: namespace)
        let absent = Fixtures.digest(seed: 99)
        let asked = [entries[3].digest, absent] + entries.map(\.digest) + [entries[1].digest]
        let found = try await store.records(for: asked, in: namespace)

        let expected = [entries[3].record, nil] + entries.map(\.record) + [entries[1].record]
        #expect(found.count == expected.count)
        for (index, (got, want)) in zip(found, expected).enumerated() {
            #expect(got?.payload == want?.payload, "lookup \(index)")
            #expect(got?.checksum == want?.checksum, "lookup \(index)")
        }
        let inline = try await DatabaseQueue(path: folder.databasePath).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM entry WHERE length(payload) >= 16384")
        }
        #expect(inline == 3, "the 4 200-value records and the 100 000-value one are inline")
    }

    @Test func aByteFlippedOnAnOverflowPageFailsTheChecksum() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store()
        let entry = Fixtures.entry(seed: 1, dimension: 50_000)
        try await store.put([entry], in: namespace)

        let database = try DatabaseQueue(path: folder.databasePath)
        try await database.write { db in
            var payload = try #require(try Data.fetchOne(db, sql: "SELECT payload FROM entry"))
            payload[payload.startIndex + 150_000] ^= 0x01
            try db.execute(sql: "UPDATE entry SET payload = ?", arguments: [payload])
        }
        try database.close()

        let stored = try #require(try await store.records(for: [entry.digest], in: namespace)[0])
        #expect(stored.payload.count == entry.record.payload.count)
        #expect(stored.payload != entry.record.payload)
        #expect(RecordChecksum(namespace: namespace).open(stored, digest: entry.digest) == nil)
    }
}
