import AsyncHTTPClient
import EmbeddingCache
public import NIOCore
import NIOHTTP1

extension OpenAIUpstream {
    /// An upstream answer passed on as it came.
    public struct PassedAnswer: Sendable {
        /// The HTTP status.
        public var status: Int
        /// The `Content-Type` header, if any.
        public var contentType: String?
        /// The body.
        public var body: ByteBuffer
    }

    /// `GET /models` under the base URL, in one attempt, with the API key.
    ///
    /// - Returns: The upstream's status, content type and body, whatever the status.
    /// - Throws: ``EmbeddingCache/EmbeddingCacheError/Code/encoderFailed`` with an
    ///   ``UpstreamFailure`` when no answer came.
    public func models() async throws -> PassedAnswer {
        var request = HTTPClientRequest(url: url(of: "models"))
        authorize(&request)
        do {
            let response = try await client.execute(request, timeout: timeAmount(configuration.timeout))
            let body = try await response.body.collect(upTo: Self.maximumAnswerBytes)
            return PassedAnswer(
                status: Int(response.status.code),
                contentType: response.headers.first(name: "Content-Type"),
                body: body
            )
        } catch {
            let failure = UpstreamFailure(status: nil, message: "no answer: \(type(of: error))")
            throw EmbeddingCacheError(
                .encoderFailed,
                describe(failure, path: "models", attempts: 1),
                underlying: failure
            )
        }
    }
}
