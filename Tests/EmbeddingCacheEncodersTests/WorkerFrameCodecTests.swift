import EmbeddingCache
import Foundation
import Testing

@testable import EmbeddingCacheEncoders

/// The frame codec: round trips both ways, and every malformed body is rejected, never trusted.
struct WorkerFrameCodecTests {
    private let items: [WorkerMessages.Item] = [
        .record(TensorRecord(single: Tensor(float32: [1, -2.5, 3]))),
        .failure("cannot decode this input"),
        .record(
            try! TensorRecord([
                ("prompt_embeds", try! Tensor(dtype: .float16, shape: [2, 3], data: Data(repeating: 0x3C, count: 12))),
                ("prompt_embeds_mask", try! Tensor(dtype: .bool, shape: [2], data: Data([1, 0]))),
                ("scalar", try! Tensor(dtype: .int64, shape: [], data: Data(repeating: 7, count: 8))),
            ])
        ),
    ]

    @Test func batchFrameRoundTrips() throws {
        let inputs = [
            EncoderInput(parts: [Data("hello".utf8)], label: "a"),
            EncoderInput(parts: [], label: "empty composite"),
            EncoderInput(parts: [Data(), Data(repeating: 0xFF, count: 70_000)], label: "composite"),
        ]
        let encoded = WorkerMessages.batchFrame(inputs).encoded
        let header = try WorkerFrame.parseHeader(encoded.prefix(WorkerFrame.headerSize))
        #expect(header.kind == .batch)
        #expect(header.length == UInt64(encoded.count - WorkerFrame.headerSize))
        #expect(encoded.first == UInt8(ascii: "B"))
        let parts = try WorkerSideCodec.decodeBatch(encoded.dropFirst(WorkerFrame.headerSize))
        #expect(parts == inputs.map(\.parts))
    }

    @Test func resultsRoundTrip() throws {
        let body = WorkerSideCodec.encodeResults(items)
        #expect(try WorkerMessages.decodeResults(body, expecting: items.count) == items)
    }

    @Test func everyTruncationIsRejected() throws {
        let body = WorkerSideCodec.encodeResults(items)
        for length in 0..<body.count {
            #expect(throws: WireError.self, "prefix of \(length) bytes") {
                try WorkerMessages.decodeResults(body.prefix(length), expecting: items.count)
            }
        }
    }

    @Test func trailingBytesAndWrongCountsAreRejected() throws {
        let body = WorkerSideCodec.encodeResults(items)
        #expect(throws: WireError.self) { try WorkerMessages.decodeResults(body + Data([0]), expecting: 3) }
        #expect(throws: WireError.self) { try WorkerMessages.decodeResults(body, expecting: 4) }
    }

    @Test func unknownDTypeStatusAndMisfitDataAreRejected() throws {
        let valid = WorkerSideCodec.encodeResults([items[0]])
        let unknownDType = Data(valid.map { $0 }).replacing(Data("F32".utf8), with: Data("Q32".utf8))
        #expect(throws: WireError.self) { try WorkerMessages.decodeResults(unknownDType, expecting: 1) }
        var unknownStatus = valid
        unknownStatus[4] = 9
        #expect(throws: WireError.self) { try WorkerMessages.decodeResults(unknownStatus, expecting: 1) }
        let tooShort = try Tensor(dtype: .uint8, shape: [4], data: Data([1, 2, 3, 4]))
        var misfit = WorkerSideCodec.encodeResults([.record(TensorRecord(single: tooShort))])
        misfit[misfit.count - 4 - 8 - 8] = 5  // shape [5] for 4 bytes
        #expect(throws: WireError.self) { try WorkerMessages.decodeResults(misfit, expecting: 1) }
    }

    @Test(arguments: [
        (Data("Loading m".utf8), "unknown frame kind"),
        (Data([0x52]) + Data(repeating: 0xFF, count: 8), "over the 64 GiB limit"),
        (Data([0x52, 1, 2]), "truncated"),
    ])
    func garbageHeadersAreRejected(header: Data, mentioning text: String) {
        do {
            _ = try WorkerFrame.parseHeader(header)
            Issue.record("accepted a garbage header")
        } catch {
            #expect(error.message.contains(text), "\(error.message)")
        }
    }
}
