public import EmbeddingCacheUpstream
public import Foundation
import HTTPTypes

/// A parsed `POST /v1/embeddings` body, checked as OpenAI checks it.
///
/// `input` is a string, an array of strings, an array of token ids or an array of arrays of token
/// ids; `model` is a string; `encoding_format` is `float` (the default) or `base64`; `dimensions`
/// a positive integer; `user` a string. Every other field is kept as it came, sent upstream and
/// keyed.
///
/// ```swift
/// let request = try EmbeddingsRequest(parsing: body, limits: .init())
/// print(request.items.count, request.encoding)
/// ```
public struct EmbeddingsRequest: Sendable {
    /// How the response carries vectors.
    public enum Encoding: String, Sendable {
        /// JSON arrays of numbers.
        case float
        /// Base64 of little-endian float32, the official Python client's default.
        case base64
    }

    /// The inputs.
    public var items: EmbeddingsItems
    /// `model` and every other field that changes the output.
    public var parameters: EmbeddingsParameters
    /// `encoding_format`.
    public var encoding: Encoding

    /// The most inputs one request may hold, as OpenAI allows.
    public static let maximumItems = 2048

    /// Parses and checks a request body.
    ///
    /// - Parameter body: The JSON body.
    /// - Throws: ``OpenAIError`` (400) naming the field at fault.
    public init(parsing body: Data) throws(OpenAIError) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: body), case .object(var fields) = value else {
            throw OpenAIError(
                status: .badRequest,
                message: "We could not parse the JSON body of your request: it must be a JSON object."
            )
        }
        guard let input = fields.removeValue(forKey: "input") else {
            throw OpenAIError(status: .badRequest, message: "'input' is a required property", param: "input")
        }
        guard case .string(let model)? = fields.removeValue(forKey: "model") else {
            throw OpenAIError(
                status: .badRequest,
                message: "you must provide a model parameter as a string",
                param: "model"
            )
        }
        switch fields.removeValue(forKey: "encoding_format") {
        case nil, .null?: encoding = .float
        case .string(let name)? where Encoding(rawValue: name) != nil: encoding = Encoding(rawValue: name) ?? .float
        default:
            throw OpenAIError(
                status: .badRequest,
                message: "'encoding_format' must be 'float' or 'base64'",
                param: "encoding_format"
            )
        }
        switch fields.removeValue(forKey: "user") {
        case nil, .null?, .string?: break
        default: throw OpenAIError(status: .badRequest, message: "'user' must be a string", param: "user")
        }
        switch fields["dimensions"] {
        case nil: break
        case .null?: fields["dimensions"] = nil
        case .integer(let dimensions)? where dimensions > 0 && dimensions <= 1 << 20: break
        default:
            throw OpenAIError(
                status: .badRequest,
                message: "'dimensions' must be a positive integer",
                param: "dimensions"
            )
        }
        items = try Self.items(of: input)
        parameters = EmbeddingsParameters(model: model, fields: fields)
    }

    private static func items(of input: JSONValue) throws(OpenAIError) -> EmbeddingsItems {
        func invalid(_ reason: String) -> OpenAIError {
            OpenAIError(status: .badRequest, message: "'$.input' is invalid: \(reason)", param: "input")
        }
        switch input {
        case .string(let text):
            guard !text.isEmpty else { throw invalid("an empty string cannot be embedded") }
            return .texts([text])
        case .array(let elements):
            guard !elements.isEmpty else { throw invalid("an empty array cannot be embedded") }
            guard elements.count <= maximumItems else {
                throw invalid("\(elements.count) inputs, at most \(maximumItems) per request")
            }
            switch elements[0] {
            case .string:
                var texts = [String]()
                for element in elements {
                    guard case .string(let text) = element else {
                        throw invalid("an array must hold one kind of input")
                    }
                    guard !text.isEmpty else { throw invalid("an empty string cannot be embedded") }
                    texts.append(text)
                }
                return .texts(texts)
            case .integer:
                guard let ids = tokenIDs(elements) else { throw invalid("token ids must be integers in 0…4294967295") }
                return .tokens([ids])
            case .array:
                var lists = [[UInt32]]()
                for element in elements {
                    guard case .array(let list) = element, !list.isEmpty, let ids = tokenIDs(list) else {
                        throw invalid("each list of token ids must be non-empty integers in 0…4294967295")
                    }
                    lists.append(ids)
                }
                return .tokens(lists)
            default:
                throw invalid("expected strings, token ids or lists of token ids")
            }
        default:
            throw invalid("expected a string, an array of strings, token ids or lists of token ids")
        }
    }

    private static func tokenIDs(_ elements: [JSONValue]) -> [UInt32]? {
        var ids = [UInt32]()
        ids.reserveCapacity(elements.count)
        for element in elements {
            guard case .integer(let id) = element, let narrow = UInt32(exactly: id) else { return nil }
            ids.append(narrow)
        }
        return ids
    }
}
