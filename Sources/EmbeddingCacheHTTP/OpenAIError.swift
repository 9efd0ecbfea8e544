public import EmbeddingCache
import EmbeddingCacheUpstream
public import Foundation
public import HTTPTypes
public import Hummingbird
import NIOCore
import NIOFoundationCompat

/// An error in OpenAI's shape: an HTTP status and `{"error":{"message","type","param","code"}}`.
///
/// Every error the server answers with has this shape, so OpenAI clients raise their usual
/// exceptions; ``init(_:)`` maps library errors (an upstream's refusal keeps its status, and a 429
/// or 503 its `Retry-After`).
///
/// ```swift
/// throw OpenAIError(status: .badRequest, message: "'input' is a required property", param: "input")
/// ```
public struct OpenAIError: Error, Sendable, HTTPResponseError {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A sentence for people; never input text or vectors.
    public var message: String
    /// OpenAI's error type, such as `invalid_request_error`.
    public var type: String
    /// The request field at fault, if one is.
    public var param: String?
    /// A machine-readable code, if any.
    public var code: String?
    /// The `Retry-After` header to send, if any.
    public var retryAfter: String?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - status: The HTTP status.
    ///   - message: A sentence for people.
    ///   - type: OpenAI's error type; `invalid_request_error` by default.
    ///   - param: The request field at fault.
    ///   - code: A machine-readable code.
    ///   - retryAfter: The `Retry-After` header to send.
    public init(
        status: HTTPResponse.Status,
        message: String,
        type: String = "invalid_request_error",
        param: String? = nil,
        code: String? = nil,
        retryAfter: String? = nil
    ) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.retryAfter = retryAfter
    }

    /// Maps a library error: an upstream's answer keeps its status (a 5xx other than 503 becomes
    /// 502), no answer or a malformed one is 502, an invalid input 400, anything else 500.
    ///
    /// - Parameter error: The error.
    public init(_ error: EmbeddingCacheError) {
        let failure = error.underlying as? UpstreamFailure
        switch (error.code, failure?.status) {
        case (.invalidEncoderOutput, _):
            self.init(
                status: .badGateway,
                message: error.message,
                type: "server_error",
                code: "upstream_invalid_answer"
            )
        case (.encoderFailed, let status?) where (400..<500).contains(status) || status == 503:
            self.init(
                status: HTTPResponse.Status(code: status),
                message: failure?.message ?? error.message,
                type: failure?.type ?? (status == 503 ? "server_error" : "invalid_request_error"),
                param: failure?.param,
                code: failure?.code,
                retryAfter: status == 429 || status == 503 ? failure?.retryAfter : nil
            )
        case (.encoderFailed, _):
            self.init(status: .badGateway, message: error.message, type: "server_error", code: "upstream_failed")
        case (.invalidInput, _):
            self.init(status: .badRequest, message: error.message, param: "input")
        default:
            self.init(status: .internalServerError, message: error.message, type: "server_error")
        }
    }

    /// The JSON body.
    public var body: Data {
        let detail: [String: JSONValue] = [
            "message": .string(message),
            "type": .string(type),
            "param": param.map(JSONValue.string) ?? .null,
            "code": code.map(JSONValue.string) ?? .null,
        ]
        return Data(JSONValue.object(["error": .object(detail)]).canonicalText.utf8)
    }

    /// The response: the status, `Content-Type: application/json`, `Retry-After` when set, the body.
    ///
    /// - Parameters:
    ///   - request: The request answered.
    ///   - context: Its context.
    /// - Returns: The response.
    public func response(from request: Request, context: some RequestContext) -> Response {
        response
    }

    /// The response, without a request.
    public var response: Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let retryAfter { headers[.retryAfter] = retryAfter }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: body)))
    }
}
