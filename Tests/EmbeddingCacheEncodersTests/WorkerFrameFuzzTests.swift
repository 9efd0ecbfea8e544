import EmbeddingCache
import EmbeddingCacheTesting
import Foundation
import Testing

@testable import EmbeddingCacheEncoders

/// The worker frame decoder meets whatever a worker writes: every mutation of a valid results
/// frame is a ``WireError`` or a consistent set of results, never a trap.
struct WorkerFrameFuzzTests {
    static let seed: UInt64 = 0x5EED_0003
    static let cases = 100_000

    private static let items: [WorkerMessages.Item] = [
        .record(TensorRecord(single: Tensor(float32: [1, -2.5, 3]))),
        .failure("cannot decode this input"),
        .record(
            try! TensorRecord([
                ("embeds", try! Tensor(dtype: .float16, shape: [2, 3], data: Data(repeating: 0x3C, count: 12))),
                ("mask", try! Tensor(dtype: .bool, shape: [2], data: Data([1, 0]))),
            ])
        ),
    ]

    @Test func mutatedResultFramesAreRejectedOrConsistent() {
        let frame = Array(WorkerFrame(kind: .results, body: WorkerSideCodec.encodeResults(Self.items)).encoded)
        let summary = Fuzzing.run(seed: Self.seed, cases: Self.cases, corpus: [frame]) { bytes, index in
            let data = Data(bytes)
            do {
                let header = try WorkerFrame.parseHeader(data.prefix(WorkerFrame.headerSize))
                let body = data.dropFirst(WorkerFrame.headerSize)
                guard header.length == UInt64(body.count) else { return false }
                let items = try WorkerMessages.decodeResults(body, expecting: Self.items.count)
                for case .record(let record) in items {
                    for (name, tensor) in record.tensors
                    where tensor.shape.reduce(1, *) * tensor.dtype.byteWidth != tensor.data.count {
                        Issue.record("seed \(Self.seed) case \(index): '\(name)' holds the wrong byte count")
                    }
                }
                return true
            } catch {
                return false
            }
        }
        #expect(summary.cases == Self.cases)
        #expect(summary.accepted > 0)
        #expect(summary.rejected > 0)
    }

    /// Dimensions each under the per-dimension limit whose byte count overflows `Int`.
    @Test func shapesWhoseByteCountOverflowsAreRejected() throws {
        let big = UInt64(Int32.max)
        var body = Data()
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { body.append(contentsOf: $0) }
        }
        append(UInt32(1))
        append(UInt8(0))
        append(UInt32(1))
        append(UInt16(1))
        body.append(contentsOf: "x".utf8)
        append(UInt8(3))
        body.append(contentsOf: "F64".utf8)
        append(UInt8(3))
        for dimension in [big, big, 2] { append(dimension) }
        append(UInt64(8))
        body.append(Data(count: 8))
        do {
            _ = try WorkerMessages.decodeResults(body, expecting: 1)
            Issue.record("accepted a shape whose byte count overflows")
        } catch {
            #expect(error.message.contains("item 0"), "\(error.message)")
        }
    }
}
