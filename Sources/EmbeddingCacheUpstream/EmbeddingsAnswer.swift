import EmbeddingCache
import Foundation
import NIOCore
import NIOFoundationCompat

/// Reads and checks an upstream's answer to one embeddings call.
enum EmbeddingsAnswer {
    private struct Body: Decodable {
        struct Entry: Decodable {
            var index: Int
            var embedding: Vector
        }
        struct Usage: Decodable {
            var prompt_tokens: Int?
        }
        var data: [Entry]
        var usage: Usage?
    }

    /// An `embedding` as JSON numbers or, from servers that ignore `encoding_format`, base64 of
    /// little-endian float32.
    private struct Vector: Decodable {
        var values: [Float]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let numbers = try? container.decode([Double].self) {
                values = numbers.map { Float($0) }
            } else {
                let text = try container.decode(String.self)
                guard let bytes = Data(base64Encoded: text), bytes.count % 4 == 0 else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "not base64 float32")
                }
                values = stride(from: 0, to: bytes.count, by: 4).map { offset in
                    let start = bytes.startIndex + offset
                    let bits = bytes[start..<start + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                    return Float(bitPattern: bits)
                }
            }
        }
    }

    /// Decodes an answer and checks it: one entry per input, each `index` in range and once, every
    /// vector non-empty, of one length (`dimensions` when given) and finite.
    ///
    /// - Returns: The items in input order, each with its share of `usage.prompt_tokens`.
    /// - Throws: ``EmbeddingCache/EmbeddingCacheError/Code/invalidEncoderOutput`` naming the problem.
    static func decode(
        _ bytes: ByteBuffer,
        count: Int,
        dimensions: Int?,
        from upstream: OpenAIUpstream
    ) throws(EmbeddingCacheError) -> [OpenAIUpstream.Item] {
        func invalid(_ problem: String) -> EmbeddingCacheError {
            EmbeddingCacheError(
                .invalidEncoderOutput,
                "upstream \(upstream.url(of: "embeddings")) answered \(problem); nothing was stored",
                underlying: UpstreamFailure(status: 200, message: problem)
            )
        }
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: bytes)
        } catch {
            throw invalid("with a body that is not an embeddings list")
        }
        guard body.data.count == count else { throw invalid("\(body.data.count) embeddings for \(count) inputs") }
        var placed = [[Float]?](repeating: nil, count: count)
        for entry in body.data {
            guard placed.indices.contains(entry.index), placed[entry.index] == nil else {
                throw invalid("index \(entry.index) out of range or twice, for \(count) inputs")
            }
            placed[entry.index] = entry.embedding.values
        }
        let vectors = placed.compactMap(\.self)
        let length = dimensions ?? vectors.first?.count ?? 0
        for (index, vector) in vectors.enumerated() {
            guard vector.count == length, length > 0 else {
                throw invalid("\(vector.count) dimensions at index \(index) where \(length) were expected")
            }
            guard vector.allSatisfy(\.isFinite) else {
                throw invalid("a value that is not finite (or beyond float32) at index \(index)")
            }
        }
        let tokens = max(0, body.usage?.prompt_tokens ?? 0)
        return vectors.enumerated().map { index, vector in
            OpenAIUpstream.Item(embedding: vector, tokens: tokens / count + (index < tokens % count ? 1 : 0))
        }
    }
}
