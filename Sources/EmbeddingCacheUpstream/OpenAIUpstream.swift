public import AsyncHTTPClient
import EmbeddingCache
public import Logging
public import Metrics
import NIOCore

/// A client of an OpenAI-compatible embeddings endpoint (OpenAI, TEI, vLLM, Ollama, Infinity, …).
///
/// It splits large calls into batches of at most ``Configuration/maximumBatchSize``, keeps at most
/// ``Configuration/maximumConcurrentCalls`` calls in flight, retries refused connections, time-outs,
/// 429s and 5xx answers with doubling waits (honouring `Retry-After`), and checks each answer
/// before returning it: one embedding per input, each `index` once, equal lengths (the requested
/// `dimensions` when given), finite values. The API key is sent as a bearer token and never logged.
///
/// ```swift
/// let upstream = OpenAIUpstream(configuration: .init(baseURL: "http://127.0.0.1:8000/v1", apiKey: key))
/// let answer = try await upstream.embeddings(.texts(["a", "b"]), parameters: .init(model: "e5"))
/// print(answer.items[0].embedding.count)
/// ```
public final class OpenAIUpstream: Sendable {
    /// The settings.
    public let configuration: Configuration
    let client: HTTPClient
    let limiter: AsyncLimiter
    let logger: Logger
    let metrics: any MetricsFactory

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - configuration: The upstream's URL, key and limits.
    ///   - client: The HTTP client calls go through; ``defaultClient`` by default.
    ///   - logger: Where attempts and retries are logged (never inputs, vectors or the key).
    ///   - metrics: Where each attempt is counted (`embcache_upstream_calls_total`, by `status`,
    ///     `none` when no answer came) and timed (`embcache_upstream_duration_seconds`); the
    ///     process's `MetricsSystem` by default.
    public init(
        configuration: Configuration,
        client: HTTPClient = OpenAIUpstream.defaultClient,
        logger: Logger? = nil,
        metrics: (any MetricsFactory)? = nil
    ) {
        self.configuration = configuration
        self.client = client
        self.limiter = AsyncLimiter(limit: configuration.maximumConcurrentCalls)
        self.logger = logger ?? Logger(label: "embcache.upstream")
        self.metrics = metrics ?? MetricsSystem.factory
    }

    /// The process-wide HTTP client upstreams use unless given another: a connection that cannot be
    /// opened fails the attempt at once (rather than being retried inside the client until the
    /// attempt's time-out), so the upstream's own retries and their waits apply; up to 64
    /// connections per host. Never shut down.
    public static let defaultClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// One input's answer: its vector and its share of the call's token count.
    public struct Item: Sendable, Hashable {
        /// The embedding.
        public var embedding: [Float]
        /// The call's `usage.prompt_tokens` spread over its inputs (the remainder to the first ones).
        public var tokens: Int
    }

    /// Embeds inputs, in batches of at most ``Configuration/maximumBatchSize`` sent concurrently.
    ///
    /// - Parameters:
    ///   - items: The inputs.
    ///   - parameters: `model` and the other fields sent with every batch.
    /// - Returns: One item per input, in input order.
    /// - Throws: ``EmbeddingCache/EmbeddingCacheError/Code/encoderFailed`` when the upstream refused
    ///   or failed after every attempt, and
    ///   ``EmbeddingCache/EmbeddingCacheError/Code/invalidEncoderOutput`` when its answer was
    ///   malformed; both carry an ``UpstreamFailure`` as `underlying`.
    public func embeddings(_ items: EmbeddingsItems, parameters: EmbeddingsParameters) async throws -> [Item] {
        guard items.count > 0 else { return [] }
        let size = configuration.maximumBatchSize
        let ranges = stride(from: 0, to: items.count, by: size).map { $0..<min($0 + size, items.count) }
        guard ranges.count > 1 else { return try await call(items, parameters) }
        return try await withThrowingTaskGroup(of: (Int, [Item]).self) { group in
            for (position, range) in ranges.enumerated() {
                group.addTask { (position, try await self.call(items.slice(range), parameters)) }
            }
            var answers = [[Item]](repeating: [], count: ranges.count)
            for try await (position, answer) in group { answers[position] = answer }
            return answers.flatMap(\.self)
        }
    }

    /// One batch: waits for a free call, sends it with retries and checks the answer.
    private func call(_ items: EmbeddingsItems, _ parameters: EmbeddingsParameters) async throws -> [Item] {
        var body = parameters.fields
        body["model"] = .string(parameters.model)
        body["input"] = items.json
        body["encoding_format"] = .string("float")
        let bytes = try await limiter.run { try await self.post("embeddings", body: .object(body)) }
        return try EmbeddingsAnswer.decode(bytes, count: items.count, dimensions: parameters.dimensions, from: self)
    }
}
