import AsyncHTTPClient
import EmbeddingCache
import Foundation
import Logging
import Metrics
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension OpenAIUpstream {
    /// The largest answer body read from the upstream.
    static let maximumAnswerBytes = 256 * 1024 * 1024

    /// The URL of an endpoint under the base URL, such as `…/v1/embeddings`.
    ///
    /// - Parameter path: The endpoint, without a leading slash.
    /// - Returns: The URL.
    public func url(of path: String) -> String { "\(configuration.baseURL)/\(path)" }

    /// POSTs a JSON body, retrying as the configuration says, and returns a 2xx answer's body.
    ///
    /// - Throws: ``EmbeddingCache/EmbeddingCacheError/Code/encoderFailed`` with an
    ///   ``UpstreamFailure`` once no attempt is left or the answer is not worth retrying.
    func post(_ path: String, body: JSONValue) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: url(of: path))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        authorize(&request)
        let encoded = try JSONEncoder().encode(body)
        var attempt = 1
        while true {
            request.body = .bytes(ByteBuffer(data: encoded))
            let failure: UpstreamFailure
            let started = ContinuousClock.now
            do {
                let response = try await client.execute(request, timeout: timeAmount(configuration.timeout))
                let answer = try await response.body.collect(upTo: Self.maximumAnswerBytes)
                record(status: String(response.status.code), since: started)
                if (200..<300).contains(response.status.code) { return answer }
                failure = Self.failure(status: Int(response.status.code), headers: response.headers, body: answer)
            } catch {
                record(status: "none", since: started)
                failure = UpstreamFailure(status: nil, message: "no answer: \(type(of: error))")
            }
            let wait = backoff(after: attempt, retryAfter: failure.retryAfter)
            guard failure.isRetryable, attempt < configuration.maximumAttempts, let wait else {
                throw EmbeddingCacheError(
                    .encoderFailed,
                    describe(failure, path: path, attempts: attempt),
                    underlying: failure
                )
            }
            logger.debug(
                "upstream call failed, retrying",
                metadata: ["url": "\(url(of: path))", "status": "\(failure.status.map(String.init) ?? "none")"]
            )
            try await Task.sleep(for: wait)
            attempt += 1
        }
    }

    /// Counts and times one attempt, in the metrics and in ``UpstreamTime/current``.
    private func record(status: String, since started: ContinuousClock.Instant) {
        let duration = ContinuousClock.now - started
        Counter(label: "embcache_upstream_calls_total", dimensions: [("status", status)], factory: metrics).increment()
        Timer(label: "embcache_upstream_duration_seconds", factory: metrics).record(duration: duration)
        UpstreamTime.current?.add(duration)
    }

    /// Adds the API key, when there is one, as a bearer token.
    func authorize(_ request: inout HTTPClientRequest) {
        if let key = configuration.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
    }

    /// The wait before the attempt after `attempt`: doubling from the initial backoff, at least
    /// what `Retry-After` asks for, or `nil` when that is longer than the maximum backoff.
    func backoff(after attempt: Int, retryAfter: String?) -> Duration? {
        let doubling = configuration.initialBackoff * (1 << min(attempt - 1, 20))
        var wait = min(doubling, configuration.maximumBackoff)
        if let retryAfter, let seconds = Int(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            let asked = Duration.seconds(seconds)
            guard asked <= configuration.maximumBackoff else { return nil }
            wait = max(wait, asked)
        }
        return wait
    }

    /// An ``UpstreamFailure`` from a non-2xx answer: its status, `Retry-After` and OpenAI-shaped
    /// error fields when the body has them.
    static func failure(status: Int, headers: HTTPHeaders, body: ByteBuffer) -> UpstreamFailure {
        struct Envelope: Decodable {
            struct Detail: Decodable {
                var message: String?
                var type: String?
                var param: String?
                var code: JSONValue?
            }
            var error: Detail?
        }
        let detail = (try? JSONDecoder().decode(Envelope.self, from: body))?.error
        let code: String? =
            switch detail?.code {
            case .string(let text)?: text
            case .integer(let number)?: String(number)
            default: nil
            }
        return UpstreamFailure(
            status: status,
            retryAfter: headers.first(name: "Retry-After"),
            message: detail?.message,
            type: detail?.type,
            param: detail?.param,
            code: code
        )
    }

    /// A sentence naming the URL, the outcome and the number of attempts (never the key).
    func describe(_ failure: UpstreamFailure, path: String, attempts: Int) -> String {
        let outcome = failure.status.map { "answered \($0)" } ?? "did not answer (\(failure.message ?? "no answer"))"
        let detail = failure.status != nil ? failure.message.map { ": \($0)" } ?? "" : ""
        return "upstream \(url(of: path)) \(outcome) after \(attempts) attempt\(attempts == 1 ? "" : "s")\(detail)"
    }

    func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
