import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Testing

/// Record formats: 3 is written (chunks summed with plain CRC32C); 2 and 1 stay readable and migrate.
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

    @Test func newRecordsAreFormatThreeAndFormatsOneAndTwoStayReadable() throws {
        let checksum = RecordChecksum(namespace: Fixtures.namespace)
        let digest = Fixtures.digest(seed: 2)
        let record = Fixtures.record(seed: 2, dimension: 8)
        let current = checksum.seal(record, digest: digest)
        #expect(current.payload.prefix(4) == Data("ECR3".utf8))
        for (version, magic) in [(RecordCodec.FormatVersion.v1, "ECR1"), (.v2, "ECR2")] {
            let old = checksum.seal(record, digest: digest, version: version)
            #expect(old.payload.prefix(4) == Data(magic.utf8))
            #expect(checksum.open(old, digest: digest) == record)
            #expect(old.payload.dropFirst(4) == current.payload.dropFirst(4))
            #expect(old.checksum != current.checksum)
            #expect(checksum.upgraded(old, digest: digest) == current)
        }
        #expect(checksum.upgraded(current, digest: digest) == current)
    }

    /// A format-3 checksum is the definition's, computed here bit by bit: chunks of 1 MiB, each
    /// summed with plain CRC32C, folded with the length into a CRC seeded with the namespace and
    /// digest (docs/format.md).
    @Test(arguments: [8, 1 << 20, (1 << 20) + 8, 3 * (1 << 20) + 40])
    func formatThreeSumsEachChunkWithPlainCRC32C(tensorBytes: Int) throws {
        let namespace = Namespace(model: "m", preprocessing: "p", storage: .float16)
        let data = Data(CRC32CTests.randomBytes(tensorBytes, seed: UInt64(tensorBytes)))
        let record = try TensorRecord([("t", try Tensor(dtype: .uint8, shape: [tensorBytes], data: data))])
        let digest = Fixtures.digest(seed: 4)
        let sealed = RecordChecksum(namespace: namespace).seal(record, digest: digest)

        var framed = Array("ECR2".utf8)
        for part in ["m", "p", "float16"] {
            withUnsafeBytes(of: UInt64(part.utf8.count).littleEndian) { framed += $0 }
            framed += Array(part.utf8)
        }
        let seed = BitwiseCRC32C.crc(framed + Array(digest.bytes))
        let payload = Array(sealed.payload)
        var folded = [UInt8]()
        for start in stride(from: 0, to: payload.count, by: 1 << 20) {
            let sum = BitwiseCRC32C.crc(payload[start..<min(payload.count, start + (1 << 20))])
            withUnsafeBytes(of: sum.littleEndian) { folded += $0 }
        }
        withUnsafeBytes(of: UInt64(payload.count).littleEndian) { folded += $0 }
        #expect(sealed.checksum == BitwiseCRC32C.crc(folded, continuing: seed))
    }

    @Test(arguments: [RecordCodec.FormatVersion.v1, .v2])
    func anOlderRecordCannotBePassedOffAsFormatThree(version: RecordCodec.FormatVersion) {
        let checksum = RecordChecksum(namespace: Fixtures.namespace)
        let digest = Fixtures.digest(seed: 3)
        var relabelled = checksum.seal(Fixtures.record(seed: 3, dimension: 8), digest: digest, version: version)
        relabelled.payload.replaceSubrange(0..<4, with: Data("ECR3".utf8))
        #expect(checksum.open(relabelled, digest: digest) == nil)
        #expect(checksum.upgraded(relabelled, digest: digest) == nil)
    }

    @Test func migrationRewritesVerifiedRecordsAndLeavesCorruptOnes() async throws {
        let store = InMemoryEmbeddingStore()
        let namespace = Fixtures.namespace
        let checksum = RecordChecksum(namespace: namespace)
        // Formats 1 and 2 alternate; three are large (several 1 MiB chunks).
        let old = (UInt64(0)..<10).map { seed in
            let digest = Fixtures.digest(seed: seed)
            let record = Fixtures.record(seed: seed, dimension: seed < 3 ? 600_000 : 8)
            return StoreEntry(
                digest: digest,
                record: checksum.seal(record, digest: digest, version: seed.isMultiple(of: 2) ? .v1 : .v2)
            )
        }
        var corrupt = old[1]
        corrupt.digest = Fixtures.digest(seed: 99)
        let current = (UInt64(20)..<23).map { Fixtures.entry(seed: $0, dimension: 8) }
        await store.put(old + [corrupt] + current, in: namespace)

        let report = try await RecordFormatMigration.run(on: store)
        #expect(report.records == 14 && report.converted == 10 && report.current == 3 && report.corrupt == 1)
        let stored = await store.records(for: old.map(\.digest) + [corrupt.digest], in: namespace)
        for (entry, now) in zip(old, stored) {
            let record = try #require(now)
            #expect(record.payload.prefix(4) == Data("ECR3".utf8))
            #expect(checksum.open(record, digest: entry.digest) == checksum.open(entry.record, digest: entry.digest))
        }
        #expect(stored.last == corrupt.record)
        let again = try await RecordFormatMigration.run(on: store)
        #expect(again.converted == 0 && again.current == 13 && again.corrupt == 1)
    }
}
