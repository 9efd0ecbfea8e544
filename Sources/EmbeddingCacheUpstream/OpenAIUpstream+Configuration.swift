public import EmbeddingCache
public import Foundation

extension OpenAIUpstream {
    /// Settings of an ``OpenAIUpstream``.
    public struct Configuration: Sendable {
        /// The upstream's base URL as an OpenAI client's `base_url` takes it, such as
        /// `http://127.0.0.1:8000/v1`; calls go to `/embeddings` and `/models` under it.
        public var baseURL: String
        /// The API key sent as `Authorization: Bearer …`, if any; never logged or printed.
        public var apiKey: String?
        /// The most inputs sent in one call; larger batches are split. 2 048 by default (OpenAI's).
        public var maximumBatchSize = 2048
        /// The most calls in flight at once, over every caller of this upstream. 4 by default.
        public var maximumConcurrentCalls = 4
        /// How long one attempt may take before it is abandoned (and retried). 60 s by default.
        public var timeout: Duration = .seconds(60)
        /// How many attempts a call gets before its error is returned. 4 by default.
        public var maximumAttempts = 4
        /// The wait before the second attempt; doubled for each further one, up to
        /// ``maximumBackoff``. 250 ms by default.
        public var initialBackoff: Duration = .milliseconds(250)
        /// The longest wait between attempts, including one a `Retry-After` header asks for; an
        /// upstream asking for longer gets its error returned at once. 20 s by default.
        public var maximumBackoff: Duration = .seconds(20)

        /// Creates settings for the upstream at `baseURL`.
        ///
        /// - Parameters:
        ///   - baseURL: The base URL, such as `http://127.0.0.1:8000/v1`.
        ///   - apiKey: The API key, if the upstream needs one.
        public init(baseURL: String, apiKey: String? = nil) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.apiKey = apiKey
        }

        /// The environment variables an API key is read from, in order of preference.
        public static let apiKeyVariables = ["EMBCACHE_UPSTREAM_API_KEY", "OPENAI_API_KEY"]

        /// The API key from `EMBCACHE_UPSTREAM_API_KEY`, else `OPENAI_API_KEY`, else none.
        ///
        /// - Parameter environment: The environment to read; the process's by default.
        /// - Returns: The first non-empty value, or `nil`.
        public static func apiKey(
            from environment: [String: String] = ProcessInfo.processInfo.environment
        ) -> String? {
            apiKeyVariables.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        }

        /// Checks the settings.
        ///
        /// - Throws: ``EmbeddingCache/EmbeddingCacheError/Code/invalidArgument`` naming the setting.
        public func validate() throws(EmbeddingCacheError) {
            guard let url = URL(string: baseURL), let scheme = url.scheme, ["http", "https"].contains(scheme),
                url.host != nil
            else {
                throw EmbeddingCacheError(
                    .invalidArgument,
                    "upstream '\(baseURL)' is not an http:// or https:// base URL such as http://127.0.0.1:8000/v1"
                )
            }
            guard maximumBatchSize > 0, maximumConcurrentCalls > 0, maximumAttempts > 0 else {
                throw EmbeddingCacheError(
                    .invalidArgument,
                    "upstream batch size, concurrent calls and attempts must each be at least 1"
                )
            }
        }
    }
}
