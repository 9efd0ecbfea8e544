import EmbeddingCache
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Randomly damaged request bodies get a 4xx in OpenAI's shape, never a 5xx or a crash.
struct MalformedBodiesTests {
    static let valid = Array(
        #"{"model":"m","input":["a b",[1,2],[[3]],"c"],"dimensions":4,"encoding_format":"base64","user":"u","x":{"y":[null,true,1.5e3]}}"#
            .utf8
    )
    static let alphabet = Array(#"{}[]",:0123456789-+.eE truefalsnul\"#.utf8) + [0, 0xFF, 0xC3]

    /// `valid` with a few bytes replaced, inserted or removed, or cut short; a fixed seed per case.
    static func damaged(seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        var bytes = valid
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            let position = Int.random(in: 0..<max(1, bytes.count), using: &random)
            let byte = alphabet.randomElement(using: &random) ?? 0
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where !bytes.isEmpty: bytes[position] = byte
            case 1: bytes.insert(byte, at: min(position, bytes.count))
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            default: bytes = Array(bytes.prefix(position))
            }
        }
        return bytes
    }

    @Test func randomlyDamagedBodiesNeverCauseA5xx() async throws {
        try await EmbeddingsServerTests.withServer { _, client, _ in
            var statuses = [Int: Int]()
            for seed in UInt64(0)..<400 {
                let body = String(decoding: Self.damaged(seed: seed), as: UTF8.self)
                let reply = try await EmbeddingsServerTests.post(client, body)
                statuses[reply.status.code, default: 0] += 1
                #expect(reply.status.code < 500, "seed \(seed)")
                if reply.status != .ok { #expect(reply.error?["message"] is String, "seed \(seed)") }
            }
            #expect(statuses[400, default: 0] > 0)
        }
    }
}
