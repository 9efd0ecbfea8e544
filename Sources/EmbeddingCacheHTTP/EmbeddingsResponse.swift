public import EmbeddingCache
import EmbeddingCacheUpstream
public import Foundation
import HTTPTypes

/// The body of a `POST /v1/embeddings` answer, in OpenAI's schema.
///
/// `{"object":"list","data":[{"object":"embedding","index":i,"embedding":…}],"model":…,
/// "usage":{"prompt_tokens":n,"total_tokens":n}}`, vectors as JSON numbers or as base64 of
/// little-endian float32. `usage` adds up each item's stored token count: a miss's share of its
/// upstream call's `usage.prompt_tokens`, and for a hit the share stored when it was a miss.
///
/// ```swift
/// let body = try EmbeddingsResponse.body(for: answer.records, model: "e5", encoding: .base64)
/// ```
public enum EmbeddingsResponse {
    /// Writes the body.
    ///
    /// - Parameters:
    ///   - records: One record per item, in request order.
    ///   - model: The request's `model` string.
    ///   - encoding: How vectors are written.
    /// - Returns: The JSON body.
    /// - Throws: ``OpenAIError`` (502) when the records' vectors differ in length, as when the cache
    ///   holds an upstream's earlier answers of another size under the same fields.
    public static func body(
        for records: [TensorRecord],
        model: String,
        encoding: EmbeddingsRequest.Encoding
    ) throws(OpenAIError) -> Data {
        var text = #"{"object":"list","data":["#
        var tokens = 0
        var length: Int?
        for (index, record) in records.enumerated() {
            guard let tensor = record["embedding"], tensor.dtype == .float32 else {
                throw OpenAIError(
                    status: .badGateway,
                    message: "item \(index) has no float32 embedding",
                    type: "server_error"
                )
            }
            guard length == nil || length == tensor.elementCount else {
                throw OpenAIError(
                    status: .badGateway,
                    message:
                        "the vectors of this request differ in length (\(length ?? 0) and \(tensor.elementCount)): the upstream changed its answers' size under the same request fields",
                    type: "server_error",
                    code: "upstream_invalid_answer"
                )
            }
            length = tensor.elementCount
            tokens += UpstreamEncoder.tokens(in: record)
            if index > 0 { text += "," }
            text += #"{"object":"embedding","index":\#(index),"embedding":"#
            switch encoding {
            case .float:
                text += "["
                text += tensor.floatValues().map { "\($0)" }.joined(separator: ",")
                text += "]"
            case .base64:
                text += "\"" + tensor.data.base64EncodedString() + "\""
            }
            text += "}"
        }
        text += #"],"model":"# + quoted(model)
        text += #","usage":{"prompt_tokens":\#(tokens),"total_tokens":\#(tokens)}}"#
        return Data(text.utf8)
    }

    /// A string as a JSON string literal.
    private static func quoted(_ string: String) -> String {
        (try? JSONEncoder().encode(string)).map { String(decoding: $0, as: UTF8.self) } ?? #""""#
    }
}
