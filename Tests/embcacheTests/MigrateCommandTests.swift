import EmbeddingCache
import EmbeddingCacheSQLite
import EmbeddingCacheTesting
import Foundation
import Testing

/// `embcache migrate` on a store holding records of formats 1 and 2, as older embcache wrote them.
struct MigrateCommandTests {
    @Test func convertsFormatOneAndTwoRecordsToFormatThree() async throws {
        let cli = try CLIProcess()
        try FileManager.default.createDirectory(
            atPath: cli.path("cache"),
            withIntermediateDirectories: true
        )
        let namespace = Fixtures.namespace
        let checksum = RecordChecksum(namespace: namespace)
        let entries = (UInt64(0)..<20).map { seed in
            let digest = Fixtures.digest(seed: seed)
            let record = Fixtures.record(seed: seed, dimension: seed < 3 ? 300_000 : 16)
            let version: RecordCodec.FormatVersion = seed.isMultiple(of: 2) ? .v2 : .v1
            return StoreEntry(digest: digest, record: checksum.seal(record, digest: digest, version: version))
        }
        do {
            let store = try SQLiteEmbeddingStore(path: cli.storePath)
            try await store.put(entries, in: namespace)
        }
        let before = try cli.run(["verify", "--json"])
        #expect(before.status == 0, "format 1 and 2 records verify: \(before.stderr)")

        let migrated = try cli.run(["migrate", "--json"])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let report = try migrated.json()
        #expect(report["records"] as? Int == 20 && report["converted"] as? Int == 20)
        #expect(report["corrupt"] as? Int == 0)

        let store = try SQLiteEmbeddingStore(path: cli.storePath)
        let stored = try await store.records(for: entries.map(\.digest), in: namespace)
        for (entry, record) in zip(entries, stored) {
            let now = try #require(record)
            #expect(now.payload.prefix(4) == Data("ECR3".utf8))
            #expect(checksum.open(now, digest: entry.digest) == checksum.open(entry.record, digest: entry.digest))
        }
        let again = try cli.run(["migrate", "--json"]).json()
        #expect(again["converted"] as? Int == 0 && again["current"] as? Int == 20)
    }
}
