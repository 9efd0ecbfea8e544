import EmbeddingCache
import Foundation
import Testing

struct RecordCodecTests {
    /// A training-sample record: variable sequence lengths, several dtypes, a scalar.
    static func sampleRecord(sequence: Int) throws -> TensorRecord {
        let embeds = try Tensor(
            dtype: .float16,
            shape: [sequence, 7],
            data: Data((0..<(sequence * 7 * 2)).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        )
        let mask = try Tensor(dtype: .bool, shape: [sequence], data: Data((0..<sequence).map { UInt8($0 % 2) }))
        let shapes = try Tensor(dtype: .int32, shape: [1, 3], data: Data([1, 0, 0, 0, 36, 0, 0, 0, 64, 0, 0, 0]))
        let scale = try Tensor(dtype: .float64, shape: [], data: Data(count: 8))
        return try TensorRecord([
            ("prompt_embeds", embeds), ("prompt_embeds_mask", mask), ("img_shapes", shapes), ("scale", scale),
        ])
    }

    @Test(arguments: [0, 1, 17, 1165])
    func roundTripsEveryTensor(sequence: Int) throws {
        let record = try Self.sampleRecord(sequence: sequence)
        let decoded = try RecordCodec.decode(RecordCodec.encode(record))
        #expect(decoded == record)
        #expect(decoded.names == ["prompt_embeds", "prompt_embeds_mask", "img_shapes", "scale"])
    }

    @Test func truncatedOrExtendedPayloadsAreRejected() throws {
        let payload = RecordCodec.encode(try Self.sampleRecord(sequence: 5))
        for length in [0, 3, 8, payload.count / 2, payload.count - 1] {
            #expect(throws: EmbeddingCacheError.self) { try RecordCodec.decode(payload.prefix(length)) }
        }
        #expect(throws: EmbeddingCacheError.self) { try RecordCodec.decode(payload + Data(count: 16)) }
    }

    @Test func checksumRejectsAnyFlippedByteAndAnotherKey() throws {
        let namespace = Namespace(model: "m", preprocessing: "p")
        let checksum = RecordChecksum(namespace: namespace)
        let digest = ContentDigest(ofText: "input")
        let sealed = checksum.seal(try Self.sampleRecord(sequence: 3), digest: digest)
        #expect(checksum.open(sealed, digest: digest) != nil)
        for index in stride(from: 0, to: sealed.payload.count, by: 7) {
            var corrupted = sealed
            corrupted.payload[index] ^= 0x20
            #expect(checksum.open(corrupted, digest: digest) == nil, "flip at byte \(index) went unnoticed")
        }
        #expect(checksum.open(sealed, digest: ContentDigest(ofText: "other")) == nil)
        #expect(RecordChecksum(namespace: namespace.storing(.float16)).open(sealed, digest: digest) == nil)
    }

    @Test func largePayloadsSummedInParallelStillCatchEveryChange() throws {
        let checksum = RecordChecksum(namespace: Namespace(model: "m", preprocessing: "p"))
        let digest = ContentDigest(ofText: "large")
        let megabyte = 1 << 20
        let payload = Data((0..<(5 * megabyte + 123)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) })
        let sum = checksum.checksum(of: payload, digest: digest)
        #expect(checksum.checksum(of: payload, digest: digest) == sum)
        for offset in [0, megabyte - 1, megabyte, 3 * megabyte + 77, payload.count - 1] {
            var changed = payload
            changed[offset] ^= 0x80
            #expect(checksum.checksum(of: changed, digest: digest) != sum, "flip at \(offset) went unnoticed")
        }
        let swapped = payload[megabyte..<(2 * megabyte)] + payload[0..<megabyte] + payload[(2 * megabyte)...]
        #expect(checksum.checksum(of: Data(swapped), digest: digest) != sum, "swapped chunks went unnoticed")
        #expect(checksum.checksum(of: payload.prefix(payload.count - 1), digest: digest) != sum)
    }
}
