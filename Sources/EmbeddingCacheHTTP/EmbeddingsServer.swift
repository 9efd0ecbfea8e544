public import EmbeddingCache
public import Hummingbird
public import Logging
public import ServiceLifecycle

/// `embcache serve`: an OpenAI-compatible embeddings endpoint that caches each item in a store.
///
/// Routes: `POST /v1/embeddings` (see ``EmbeddingsProxy``), `GET /v1/models` (the upstream's,
/// passed on; a server made without a proxy, to serve records only, answers both with 404
/// `no_upstream`), `POST /v1/records/get` and `POST /v1/records/put` (records by key, as safetensors;
/// see docs/server.md), `GET /healthz` (the process answers) and `GET /readyz` (the store answers
/// a lookup), and `GET /metrics` with ``metrics``. With ``Configuration/tokens`` set, all but the
/// health routes need a bearer token, and a `read` token is answered from the cache only and
/// may not put records. Every error has OpenAI's shape (``OpenAIError``). ``run()`` serves until SIGTERM or
/// SIGINT, then finishes the requests in flight and returns.
///
/// ```swift
/// let server = EmbeddingsServer(proxy: EmbeddingsProxy(store: store, upstream: upstream))
/// try await server.run()
/// try await EmbeddingsServer(store: store).run()  // records only
/// ```
public struct EmbeddingsServer: Sendable {
    /// Settings of an ``EmbeddingsServer``.
    public struct Configuration: Sendable {
        /// The address to listen on; loopback by default.
        public var host = "127.0.0.1"
        /// The port to listen on; 0 picks a free one. 8080 by default.
        public var port = 8080
        /// The largest request body accepted; larger ones get 413. 32 MiB by default.
        public var maximumBodyBytes = 32 * 1024 * 1024
        /// The most tensor bytes one `POST /v1/records/get` answer may carry; a request for more
        /// gets 400 (`response_too_large`). 1 GiB by default.
        public var maximumRecordsResponseBytes = 1 << 30
        /// The bearer tokens accepted; `nil` (the default) serves everyone, on loopback only.
        public var tokens: BearerTokens?

        /// Creates the default settings.
        public init() {}
    }

    /// The store the records routes, `GET /readyz` and `GET /metrics` read.
    public let store: any EmbeddingStore
    /// The proxy behind `POST /v1/embeddings`; `nil` for a server of records only.
    public let proxy: EmbeddingsProxy?
    /// The settings.
    public let configuration: Configuration
    /// Where requests are logged (never their inputs or vectors).
    public let logger: Logger
    /// The metrics served at `GET /metrics`, if any.
    public let metrics: ServerMetrics?

    /// Creates a server.
    ///
    /// - Parameters:
    ///   - proxy: The caching proxy.
    ///   - configuration: Address and limits.
    ///   - logger: Where requests are logged.
    ///   - metrics: The metrics to record and serve at `GET /metrics`; none by default.
    public init(
        proxy: EmbeddingsProxy,
        configuration: Configuration = Configuration(),
        logger: Logger? = nil,
        metrics: ServerMetrics? = nil
    ) {
        self.init(store: proxy.store, proxy: proxy, configuration: configuration, logger: logger, metrics: metrics)
    }

    /// Creates a server of records only, with no upstream: `POST /v1/embeddings` and
    /// `GET /v1/models` answer 404 (`no_upstream`).
    ///
    /// - Parameters:
    ///   - store: The store the records routes read and write.
    ///   - configuration: Address and limits.
    ///   - logger: Where requests are logged.
    ///   - metrics: The metrics to record and serve at `GET /metrics`; none by default.
    public init(
        store: any EmbeddingStore,
        configuration: Configuration = Configuration(),
        logger: Logger? = nil,
        metrics: ServerMetrics? = nil
    ) {
        self.init(store: store, proxy: nil, configuration: configuration, logger: logger, metrics: metrics)
    }

    private init(
        store: any EmbeddingStore,
        proxy: EmbeddingsProxy?,
        configuration: Configuration,
        logger: Logger?,
        metrics: ServerMetrics?
    ) {
        self.store = store
        self.proxy = proxy
        self.configuration = configuration
        self.logger = logger ?? Logger(label: "embcache.serve")
        self.metrics = metrics
    }

    /// The routes, with every error answered in OpenAI's shape.
    ///
    /// - Returns: A router to serve or to test without a socket.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        if let metrics {
            let paths: Set = [
                "/v1/embeddings", "/v1/models", "/v1/records/get", "/v1/records/put", "/healthz", "/readyz", "/metrics",
            ]
            router.middlewares.add(RequestMetricsMiddleware(metrics: metrics, routes: paths))
        }
        router.middlewares.add(OpenAIErrorMiddleware())
        let routes = EmbeddingsRoutes(
            store: store,
            proxy: proxy,
            maximumBodyBytes: configuration.maximumBodyBytes,
            maximumRecordsResponseBytes: configuration.maximumRecordsResponseBytes,
            tokens: configuration.tokens,
            metrics: metrics
        )
        if metrics != nil { router.get("/metrics") { request, _ in try await routes.metrics(request) } }
        router.post("/v1/embeddings") { request, context in try await routes.embeddings(request, context: context) }
        router.get("/v1/models") { request, _ in try await routes.models(request) }
        router.post("/v1/records/get") { request, context in try await routes.getRecords(request, context: context) }
        router.post("/v1/records/put") { request, context in try await routes.putRecords(request, context: context) }
        router.get("/healthz") { _, _ in EmbeddingsRoutes.status("ok") }
        router.get("/readyz") { _, _ in try await routes.readiness() }
        return router
    }

    /// The application serving ``router()``.
    ///
    /// - Parameters:
    ///   - services: Services to run beside the server, such as a PostgreSQL store's client.
    ///   - onServerRunning: Called once the server listens, with its port.
    /// - Returns: The application.
    public func application(
        services: [any Service] = [],
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting, finishes the requests in flight and
    /// returns.
    ///
    /// - Parameters:
    ///   - services: Services to run beside the server.
    ///   - onServerRunning: Called once the server listens, with its port.
    /// - Throws: When the address cannot be bound, or a service fails.
    public func run(
        services: [any Service] = [],
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        try await application(services: services, onServerRunning: onServerRunning).runService()
    }
}
