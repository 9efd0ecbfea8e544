/// What an upstream said when it refused or failed an embeddings call; the `underlying` error of
/// the ``EmbeddingCache/EmbeddingCacheError`` an ``OpenAIUpstream`` call throws.
///
/// A server in front of the upstream maps it to its own answer: the status, the upstream's own
/// OpenAI-shaped error fields, and `Retry-After` for a 429 or a 503.
///
/// ```swift
/// if let failure = error.underlying as? UpstreamFailure, failure.status == 429 { wait(failure.retryAfter) }
/// ```
public struct UpstreamFailure: Error, Sendable, Hashable {
    /// The HTTP status of the last answer, or `nil` when no answer came (refused, timed out).
    public var status: Int?
    /// The last answer's `Retry-After` header, as sent.
    public var retryAfter: String?
    /// The upstream's `error.message`, if its body had one.
    public var message: String?
    /// The upstream's `error.type`, if its body had one.
    public var type: String?
    /// The upstream's `error.param`, if its body had one.
    public var param: String?
    /// The upstream's `error.code`, if its body had one.
    public var code: String?

    /// Creates a failure.
    ///
    /// - Parameters:
    ///   - status: The HTTP status, or `nil` when no answer came.
    ///   - retryAfter: The `Retry-After` header.
    ///   - message: The upstream's error message.
    ///   - type: The upstream's error type.
    ///   - param: The upstream's error parameter.
    ///   - code: The upstream's error code.
    public init(
        status: Int?,
        retryAfter: String? = nil,
        message: String? = nil,
        type: String? = nil,
        param: String? = nil,
        code: String? = nil
    ) {
        self.status = status
        self.retryAfter = retryAfter
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    /// Whether trying again may succeed: no answer, 408, 429 or a 5xx other than 501.
    public var isRetryable: Bool {
        guard let status else { return true }
        return status == 408 || status == 429 || (status >= 500 && status != 501)
    }
}
