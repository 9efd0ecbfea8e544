import ArgumentParser
import EmbeddingCache
import EmbeddingCacheHTTP
import EmbeddingCacheUpstream
import Foundation
import Logging

/// `embcache serve`: an OpenAI-compatible embeddings endpoint that caches every item.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract:
            "Serve POST /v1/embeddings in OpenAI's schema, caching each item in front of an upstream, and records by key.",
        discussion: """
            Point an OpenAI client's base_url at http://HOST:PORT/v1. Each item is cached on the \
            request's model and every field but input, encoding_format and user; only misses go to \
            the upstream. The upstream's API key comes from EMBCACHE_UPSTREAM_API_KEY, else \
            OPENAI_API_KEY. POST /v1/records/get and /v1/records/put read and write records by key \
            (the Python package's embcache.connect); without --upstream only they are served. Stops on \
            SIGTERM or SIGINT after finishing the requests in flight (exit 0). See docs/server.md.

            Examples:
              embcache serve --store cache.sqlite --upstream http://127.0.0.1:8000/v1 --listen 127.0.0.1:8080
              embcache serve --store cache.sqlite --listen 0.0.0.0:8080 --tokens-file tokens.txt
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(
        help:
            "The upstream's base URL, as an OpenAI client's base_url (such as http://127.0.0.1:8000/v1); without it, only the record API is served."
    )
    var upstream: String?

    @Option(help: "HOST:PORT to listen on (port 0 picks a free port); beyond loopback only with --tokens-file.")
    var listen = "127.0.0.1:8080"

    @Option(
        help:
            "A file of bearer tokens, one 'read TOKEN' or 'write TOKEN' per line (EMBCACHE_TOKENS adds more); without either, no token is asked."
    )
    var tokensFile: String?

    @Option(help: "The largest request body accepted, in bytes; larger ones get 413.")
    var maxBodyBytes = EmbeddingsServer.Configuration().maximumBodyBytes

    @Option(help: "The most inputs sent upstream in one call.")
    var upstreamBatchSize = 2048

    @Option(help: "The most upstream calls in flight at once.")
    var upstreamConcurrency = 4

    @Option(help: "Seconds one upstream attempt may take.")
    var upstreamTimeout = 60

    @Option(help: "Attempts per upstream call (refusals, time-outs, 429 and 5xx are retried).")
    var upstreamAttempts = 4

    func validate() throws {
        do {
            try upstreamConfiguration()?.validate()
            try serverConfiguration().validate()
        } catch {
            throw ValidationError(error.message)
        }
        guard maxBodyBytes > 0, (1...86_400).contains(upstreamTimeout) else {
            throw ValidationError("--max-body-bytes must be positive and --upstream-timeout within 1…86400")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let metrics = ServerMetrics(version: EmbcacheVersion.current)
        let upstream = try upstreamConfiguration().map { OpenAIUpstream(configuration: $0, metrics: metrics.factory) }
        let configuration = try serverConfiguration()
        try await storeOptions.withStore { store in
            let server =
                if let upstream {
                    EmbeddingsServer(
                        proxy: EmbeddingsProxy(store: store, upstream: upstream),
                        configuration: configuration,
                        metrics: metrics
                    )
                } else {
                    EmbeddingsServer(store: store, configuration: configuration, metrics: metrics)
                }
            try await server.run { port in
                let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
                let line = "embcache serve: listening on http://\(host):\(port)/v1\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
        }
    }

    /// The upstream's settings, or `nil` without `--upstream`.
    private func upstreamConfiguration() throws(EmbeddingCacheError) -> OpenAIUpstream.Configuration? {
        guard let upstream else { return nil }
        var configuration = OpenAIUpstream.Configuration(
            baseURL: upstream,
            apiKey: OpenAIUpstream.Configuration.apiKey()
        )
        configuration.maximumBatchSize = upstreamBatchSize
        configuration.maximumConcurrentCalls = upstreamConcurrency
        configuration.timeout = .seconds(upstreamTimeout)
        configuration.maximumAttempts = upstreamAttempts
        return configuration
    }

    private func serverConfiguration() throws(EmbeddingCacheError) -> EmbeddingsServer.Configuration {
        var configuration = EmbeddingsServer.Configuration()
        try configuration.listen(on: listen)
        configuration.maximumBodyBytes = maxBodyBytes
        configuration.tokens = try BearerTokens.configured(
            file: tokensFile,
            environment: ProcessInfo.processInfo.environment
        )
        return configuration
    }
}
