import EmbeddingCache
import Metrics
public import Prometheus

/// The server's Prometheus metrics, recorded through swift-metrics into a registry of its own and
/// served at `GET /metrics` in Prometheus' text format.
///
/// Names: `embcache_requests_total` (by `route` and `status`), `embcache_request_duration_seconds`
/// (histogram, by `route`), `embcache_items_total` (by `result`: `hit`, `miss`, `error`),
/// `embcache_upstream_tokens_saved_total`, `embcache_upstream_calls_total` (by `status`) and
/// `embcache_upstream_duration_seconds` (recorded by the upstream client through ``factory``),
/// `embcache_store_entries`, `embcache_store_bytes` (read from the store on each scrape) and
/// `embcache_build_info` (by `version`, always 1).
///
/// ```swift
/// let metrics = ServerMetrics(version: "1.0.0")
/// let upstream = OpenAIUpstream(configuration: configuration, metrics: metrics.factory)
/// ```
public final class ServerMetrics: Sendable {
    /// The registry every metric is kept in.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory writing into ``registry``; give it to ``EmbeddingCacheUpstream/OpenAIUpstream``.
    public let factory: PrometheusMetricsFactory

    /// Creates the metrics and records `embcache_build_info`.
    ///
    /// - Parameter version: The version of embcache serving.
    public init(version: String) {
        registry = PrometheusCollectorRegistry()
        factory = PrometheusMetricsFactory(registry: registry)
        Gauge(label: "embcache_build_info", dimensions: [("version", version)], factory: factory).record(1)
    }

    /// Counts and times one answered request.
    func request(route: String, status: Int, duration: Duration) {
        Counter(
            label: "embcache_requests_total",
            dimensions: [("route", route), ("status", String(status))],
            factory: factory
        )
        .increment()
        Timer(label: "embcache_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .record(duration: duration)
    }

    /// Counts the items of one embeddings request, and the upstream tokens its hits saved.
    func items(hits: Int, misses: Int, errors: Int, tokensSaved: Int) {
        for (result, count) in [("hit", hits), ("miss", misses), ("error", errors)] where count > 0 {
            Counter(label: "embcache_items_total", dimensions: [("result", result)], factory: factory).increment(
                by: count
            )
        }
        if tokensSaved > 0 {
            Counter(label: "embcache_upstream_tokens_saved_total", factory: factory).increment(by: tokensSaved)
        }
    }

    /// Reads the store's entry and byte counts into their gauges and returns the exposition text.
    ///
    /// - Parameter store: The store to read.
    /// - Returns: Every metric in Prometheus' text format.
    /// - Throws: The store's error.
    func exposition(reading store: any EmbeddingStore) async throws -> [UInt8] {
        let statistics = try await store.statistics()
        Gauge(label: "embcache_store_entries", factory: factory).record(statistics.totalEntries)
        Gauge(label: "embcache_store_bytes", factory: factory).record(statistics.namespaces.reduce(0) { $0 + $1.bytes })
        return registry.emitToBuffer()
    }
}
