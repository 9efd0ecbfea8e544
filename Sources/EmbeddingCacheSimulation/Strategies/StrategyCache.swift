import EmbeddingCache
import EmbeddingCacheImages
import FoundationEssentials

/// One strategy of a simulation: its cache, in front of its own metered encoder.
struct StrategyCache: Sendable {
    let strategy: CacheStrategy
    let cache: any SimulatedCache
    let meter: MeteredEncoder

    /// Builds the strategy's cache; every strategy but `none` gets an empty store of its own.
    ///
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` for `pixel` in front of an encoder
    ///   that does not read decoded pixels; the store's errors.
    init(strategy: CacheStrategy, encoder: any EmbeddingEncoder, stores: ScratchStores) throws {
        self.strategy = strategy
        let meter = MeteredEncoder(encoder)
        self.meter = meter
        switch strategy {
        case .none:
            cache = EngineCache(cache: EmbeddingCache(store: InMemoryEmbeddingStore(), encoder: meter), bypassing: true)
        case .sha:
            cache = EngineCache(
                cache: EmbeddingCache(store: try stores.makeStore(named: "sha"), encoder: meter),
                bypassing: false
            )
        case .pixel:
            try Self.checkPixelView(of: encoder)
            var configuration = EmbeddingCache.Configuration()
            configuration.secondaryKey = PixelKey()
            let engine = EmbeddingCache(
                store: try stores.makeStore(named: "pixel"),
                encoder: meter,
                configuration: configuration
            )
            cache = EngineCache(cache: engine, bypassing: false)
        case .path:
            cache = KeyedCache(store: try stores.makeStore(named: "path"), encoder: meter, key: NegativeKeys.path)
        case .phash:
            cache = KeyedCache(
                store: try stores.makeStore(named: "phash"),
                encoder: meter,
                key: NegativeKeys.perceptualHash
            )
        }
    }

    /// Refuses an encoder that reads bytes: identical pixels would not imply identical vectors.
    static func checkPixelView(of encoder: any EmbeddingEncoder) throws(EmbeddingCacheError) {
        guard encoder.inputView == .decodedPixels else {
            throw EmbeddingCacheError(
                .invalidArgument,
                "the pixel strategy needs an encoder that reads decoded pixels only (such as builtin:pixel-projection); "
                    + "'\(encoder.namespace.model)' reads \(encoder.inputView.rawValue)",
                namespace: encoder.namespace
            )
        }
    }

    /// Serves one cycle's inputs and measures it, checking every served vector against `fresh`.
    ///
    /// - Parameters:
    ///   - inputs: The cycle's files.
    ///   - cycle: The cycle.
    ///   - fresh: A fresh encode of each input (`nil` where none could be made: not checked).
    ///   - comparison: How records are compared.
    ///   - progress: Called with the inputs served so far.
    /// - Returns: The measurement.
    /// - Throws: The store's errors.
    func measure(
        _ inputs: [EmbeddingInput],
        cycle: Int,
        against fresh: [TensorRecord?],
        _ comparison: RecordComparison,
        progress: @escaping @Sendable (Int) -> Void
    ) async throws -> CycleMeasurement {
        let clock = ContinuousClock()
        let before = meter.reading
        let start = clock.now
        let served = try await cache.serve(inputs, progress: progress)
        let wall = (clock.now - start).seconds
        let after = meter.reading
        var measurement = CycleMeasurement(strategy: strategy, cycle: cycle)
        measurement.inputs = inputs.count
        measurement.hits = served.hits
        measurement.misses = served.misses
        measurement.failed = served.results.count { if case .failure = $0 { true } else { false } }
        measurement.encoderCalls = after.items - before.items
        measurement.encoderSeconds = after.seconds - before.seconds
        measurement.digestSeconds = served.digestSeconds
        measurement.lookupSeconds = served.lookupSeconds
        measurement.wallSeconds = wall
        measurement.wrongVectors = zip(served.results, fresh).count { result, fresh in
            guard case .success(let record) = result, let fresh else { return false }
            return !comparison.matches(record, fresh)
        }
        return measurement
    }
}
