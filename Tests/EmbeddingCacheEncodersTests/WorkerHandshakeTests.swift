import EmbeddingCache
import Foundation
import Testing

@testable import EmbeddingCacheEncoders

/// Handshake parsing: fields, defaults, and clear refusals.
struct WorkerHandshakeTests {
    private let command = try! WorkerCommand(parsing: "worker --flag")

    private func parse(_ json: String) throws(EmbeddingCacheError) -> WorkerHandshake {
        try WorkerHandshake.parse(Data(json.utf8), command: command)
    }

    @Test func parsesEveryFieldAndMapsToTheSchema() throws {
        let handshake = try parse(
            """
            {"protocol": 1, "model": "m@sha256:ab", "preprocessing": "p", "batch_size": 8, "input": "bytes",
             "allows_non_finite": true, "future_field": [1, 2],
             "tensors": [{"name": "embeds", "dtype": "F16", "shape": ["seq", 3584]},
                         {"name": "mask", "dtype": "BOOL", "shape": ["seq"]}]}
            """
        )
        #expect(handshake.namespace == Namespace(model: "m@sha256:ab", preprocessing: "p"))
        #expect(handshake.batchSize == 8)
        #expect(
            handshake.schema
                == RecordSchema(
                    [
                        .init(name: "embeds", dtype: .float16, shape: [.variable("seq"), .fixed(3584)]),
                        .init(name: "mask", dtype: .bool, shape: [.variable("seq")]),
                    ],
                    allowsNonFinite: true
                )
        )
    }

    @Test func optionalFieldsTakeTheirDefaults() throws {
        let handshake = try parse(
            #"{"protocol": 1, "model": "m", "preprocessing": "", "tensors": [{"name": "e", "dtype": "F32", "shape": [4]}]}"#
        )
        #expect(handshake.batchSize == 32)
        #expect(handshake.input == .bytes)
        #expect(!handshake.schema.allowsNonFinite)
        let pixels = try parse(
            #"{"protocol": 1, "model": "m", "preprocessing": "p", "input": "pixels", "tensors": [{"name": "e", "dtype": "F32", "shape": [4]}]}"#
        )
        #expect(pixels.input == .pixels)
    }

    @Test(arguments: [
        (#"{"protocol": 2, "model": "m", "preprocessing": "p", "tensors": []}"#, "protocol 2"),
        (#"{"protocol": 1, "preprocessing": "p", "tensors": []}"#, "missing field \"model\""),
        (
            #"{"protocol": 1, "model": "m", "preprocessing": "p", "tensors": [{"name": "e", "dtype": "F33", "shape": [4]}]}"#,
            "wrong type or value"
        ),
        (#"{"protocol": 1, "model": "m", "preprocessing": "p", "tensors": []}"#, "no \"tensors\""),
        (
            #"{"protocol": 1, "model": "m", "preprocessing": "p", "batch_size": 0, "tensors": [{"name": "e", "dtype": "F32", "shape": [4]}]}"#,
            "batch_size"
        ),
        ("Loading model...", "malformed handshake"),
    ])
    func refusesClearly(json: String, mentioning text: String) {
        do {
            _ = try parse(json)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.message.contains(text), "\(error.message)")
            #expect(error.message.contains("worker --flag"), "\(error.message)")
        }
    }
}
