import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Testing

/// The record decoder meets stored bytes that may be damaged: every mutation of a valid payload is
/// either rejected with `.corruptRecord` or decoded into tensors whose bytes fit their shapes.
struct RecordCodecFuzzTests {
    static let seed: UInt64 = 0x5EED_0001
    static let cases = 100_000

    @Test func mutatedPayloadsAreRejectedOrConsistent() throws {
        let corpus =
            try [0, 1, 3].map { Array(RecordCodec.encode(try RecordCodecTests.sampleRecord(sequence: $0))) }
            + [Array(RecordCodec.encode(TensorRecord(single: Tensor(float32: [1, 2, 3]))))]
        let summary = Fuzzing.run(seed: Self.seed, cases: Self.cases, corpus: corpus) { bytes, index in
            do throws(EmbeddingCacheError) {
                let record = try RecordCodec.decode(Data(bytes))
                for (name, tensor) in record.tensors {
                    let elements = tensor.shape.reduce(1, *)
                    if elements * tensor.dtype.byteWidth != tensor.data.count {
                        Issue.record("seed \(Self.seed) case \(index): '\(name)' holds the wrong byte count")
                    }
                }
                return true
            } catch {
                if error.code != .corruptRecord {
                    Issue.record("seed \(Self.seed) case \(index): unexpected error \(error)")
                }
                return false
            }
        }
        #expect(summary.cases == Self.cases)
        #expect(summary.rejected > Self.cases / 2)
    }

    /// A uint8 tensor (code 8) whose byte count is close to `Int.max`: it overflows once added
    /// to the offset where the tensor's bytes would start.
    @Test func byteCountNearIntMaxIsRejected() {
        var payload = [UInt8]("ECR1".utf8) + [1, 0, 0, 0]
        payload += [1, 0, UInt8(ascii: "x"), 8, 1]
        payload += withUnsafeBytes(of: (UInt64(Int.max) - 8).littleEndian, Array.init)
        payload += [UInt8](repeating: 0, count: 32 - payload.count % 16)
        #expect(throws: EmbeddingCacheError.self) { try RecordCodec.decode(Data(payload)) }
    }
}
