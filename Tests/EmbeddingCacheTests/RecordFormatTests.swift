import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Testing

/// Record format 2: checksum seeds frame the namespace's parts; format 1 stays readable and migrates.
struct RecordFormatTests {
    /// Two namespaces whose `model | preprocessing | storage` texts are equal.
    static let ambiguous = (
        Namespace(model: "m | x", preprocessing: "p"),
        Namespace(model: "m", preprocessing: "x | p")
    )

    @Test func namespacesWithTheSameTextDoNotShareChecksums() {
        let (first, second) = Self.ambiguous
        #expect(first.description == second.description)
        let digest = Fixtures.digest(seed: 1)
        let sealed = RecordChecksum(namespace: first).seal(Fixtures.record(seed: 1, dimension: 8), digest: digest)
        #expect(RecordChecksum(namespace: first).open(sealed, digest: digest) != nil)
        #expect(RecordChecksum(namespace: second).open(sealed, digest: digest) == nil)
    }

    @Test func newRecordsAreFormatTwoAndFormatOneStaysReadable() throws {
        let checksum = RecordChecksum(namespace: Fixtures.namespace)
        let digest = Fixtures.digest(seed: 2)
        let record = Fixtures.record(seed: 2, dimension: 8)
        let current = checksum.seal(record, digest: digest)
        #expect(current.payload.prefix(4) == Data("ECR2".utf8))
        let old = checksum.seal(record, digest: digest, version: .v1)
        #expect(old.payload.prefix(4) == Data("ECR1".utf8))
        #expect(checksum.open(old, digest: digest) == record)
        #expect(old.payload.dropFirst(4) == current.payload.dropFirst(4))
        #expect(checksum.upgraded(old, digest: digest) == current)
        #expect(checksum.upgraded(current, digest: digest) == current)
    }

    @Test func aFormatOneRecordCannotBePassedOffAsFormatTwo() {
        let checksum = RecordChecksum(namespace: Fixtures.namespace)
        let digest = Fixtures.digest(seed: 3)
        var relabelled = checksum.seal(Fixtures.record(seed: 3, dimension: 8), digest: digest, version: .v1)
        relabelled.payload.replaceSubrange(0..<4, with: Data("ECR2".utf8))
        #expect(checksum.open(relabelled, digest: digest) == nil)
        #expect(checksum.upgraded(relabelled, digest: digest) == nil)
    }

    @Test func migrationRewritesVerifiedRecordsAndLeavesCorruptOnes() async throws {
        let store = InMemoryEmbeddingStore()
        let namespace = Fixtures.namespace
        let checksum = RecordChecksum(namespace: namespace)
        let old = (UInt64(0)..<10).map { seed in
            let digest = Fixtures.digest(seed: seed)
            return StoreEntry(
                digest: digest,
                record: checksum.seal(Fixtures.record(seed: seed, dimension: 8), digest: digest, version: .v1)
            )
        }
        var corrupt = old[0]
        corrupt.digest = Fixtures.digest(seed: 99)
        let current = (UInt64(20)..<23).map { Fixtures.entry(seed: $0, dimension: 8) }
        await store.put(old + [corrupt] + current, in: namespace)

        let report = try await RecordFormatMigration.run(on: store)
        #expect(report.records == 14 && report.converted == 10 && report.current == 3 && report.corrupt == 1)
        let stored = await store.records(for: old.map(\.digest) + [corrupt.digest], in: namespace)
        for (entry, now) in zip(old, stored) {
            let record = try #require(now)
            #expect(record.payload.prefix(4) == Data("ECR2".utf8))
            #expect(checksum.open(record, digest: entry.digest) == checksum.open(entry.record, digest: entry.digest))
        }
        #expect(stored.last == corrupt.record)
        let again = try await RecordFormatMigration.run(on: store)
        #expect(again.converted == 0 && again.current == 13 && again.corrupt == 1)
    }
}
