import EmbeddingCache

/// The strategies that are embcache itself: `sha`, `pixel`, and `none` (the engine bypassing its
/// store, as `embed --no-cache` does).
struct EngineCache: SimulatedCache {
    let cache: EmbeddingCache
    let bypassing: Bool

    func serve(_ inputs: [EmbeddingInput], progress: @escaping @Sendable (Int) -> Void) async throws -> ServedBatch {
        let batch = try await cache.results(for: inputs, bypassingCache: bypassing) { progress($0.finished) }
        return ServedBatch(
            results: batch.results,
            hits: batch.counters.hits,
            misses: bypassing ? inputs.count - batch.counters.failed : batch.counters.misses,
            digestSeconds: batch.counters.timings.digest,
            lookupSeconds: batch.counters.timings.lookup
        )
    }
}
