public import EmbeddingCache
import EmbeddingCacheEncoders
import FoundationEssentials

/// The study's batch-size sweep: throughput against batch size with no cache, with a cold
/// cache and with a warm one.
///
/// For every batch size, the inputs go through the cache in calls of that many inputs, each call
/// sending its misses to the encoder in one batch: with no cache (the engine bypassing its store),
/// into an empty store (cold), and into a store already holding a fraction of them (warm, 90 % by
/// default, as in the study). Each run has a fresh store.
///
/// ```swift
/// let sweep = BatchSweep(encoder: encoder)
/// let result = try await sweep.run(sources: sources, scratch: folder, stores: stores)
/// ```
public struct BatchSweep: Sendable {
    /// What to sweep.
    public struct Configuration: Sendable {
        /// The batch sizes, in order.
        public var batchSizes = [1, 2, 4, 8, 16, 32, 64]
        /// The fraction of inputs cached before a warm run, 0 to 1.
        public var warmHitRate = 0.9

        /// The study's sweep: 1 to 64, warm at 90 % hits.
        public init() {}
    }

    /// The encoder.
    public let encoder: any EmbeddingEncoder
    /// What to sweep.
    public let configuration: Configuration

    /// Prepares a sweep.
    ///
    /// - Parameters:
    ///   - encoder: The encoder.
    ///   - configuration: What to sweep.
    public init(encoder: any EmbeddingEncoder, configuration: Configuration = Configuration()) {
        self.encoder = encoder
        self.configuration = configuration
    }

    /// Runs every batch size in every mode.
    ///
    /// - Parameters:
    ///   - sources: The files.
    ///   - scratch: A folder for the working copy of the files.
    ///   - stores: Where each run's store is created (`cold-b8.sqlite`, `warm-b8.sqlite`, …).
    ///   - progress: Called with the inputs served so far, out of `batch sizes × 3 × sources`.
    /// - Returns: One measurement per batch size and mode.
    /// - Throws: ``EmbeddingCacheError`` naming the file or store that failed.
    public func run(
        sources: [WorkloadSource],
        scratch: String,
        stores: ScratchStores,
        progress: (@Sendable (Int) -> Void)? = nil
    ) async throws -> BatchSweepResult {
        let inputs = try await WorkloadFolder.create(from: sources, in: scratch, churn: .init()).inputs
        var generator = SplitMix64(seed: 0)
        let warmed = Array(
            inputs.indices.shuffled(using: &generator).prefix(
                Int((configuration.warmHitRate * Double(inputs.count)).rounded())
            )
        )
        .sorted().map { inputs[$0] }
        var points: [BatchSweepPoint] = []
        for batchSize in configuration.batchSizes {
            for mode in BatchSweepPoint.Mode.allCases {
                var settings = EmbeddingCache.Configuration()
                settings.batchSize = batchSize
                let store =
                    mode == .noCache
                    ? InMemoryEmbeddingStore() : try stores.makeStore(named: "\(mode.rawValue)-b\(batchSize)")
                let cache = EmbeddingCache(store: store, encoder: encoder, configuration: settings)
                if mode == .warm { _ = try await cache.results(for: warmed) }
                let done = points.count * inputs.count
                points.append(
                    try await Self.measure(cache, inputs, batchSize: batchSize, mode: mode) { progress?(done + $0) }
                )
            }
        }
        return BatchSweepResult(
            namespace: encoder.namespace.description,
            inputs: inputs.count,
            warmHitRate: configuration.warmHitRate,
            points: points
        )
    }

    /// Serves `inputs` in calls of `batchSize` and times the whole run.
    private static func measure(
        _ cache: EmbeddingCache,
        _ inputs: [EmbeddingInput],
        batchSize: Int,
        mode: BatchSweepPoint.Mode,
        progress: @Sendable (Int) -> Void
    ) async throws -> BatchSweepPoint {
        let clock = ContinuousClock()
        let start = clock.now
        var counters = CacheCounters()
        for first in stride(from: 0, to: inputs.count, by: batchSize) {
            let chunk = Array(inputs[first..<min(first + batchSize, inputs.count)])
            counters.add(try await cache.results(for: chunk, bypassingCache: mode == .noCache).counters)
            progress(first + chunk.count)
        }
        let seconds = (clock.now - start).seconds
        return BatchSweepPoint(
            batchSize: batchSize,
            mode: mode,
            inputs: inputs.count,
            hits: counters.hits,
            encoded: counters.encoded,
            seconds: seconds
        )
    }
}
