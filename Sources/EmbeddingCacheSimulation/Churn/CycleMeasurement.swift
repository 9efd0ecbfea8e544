/// What one strategy did in one cycle of a churn simulation: one row of `churn.csv`.
public struct CycleMeasurement: Sendable, Hashable, Codable {
    /// The strategy measured.
    public var strategy: CacheStrategy
    /// The cycle, from 0 (the cold cycle).
    public var cycle: Int
    /// Inputs in the cycle.
    public var inputs = 0
    /// Inputs served from the strategy's cache.
    public var hits = 0
    /// Inputs the strategy encoded (every input for `none`).
    public var misses = 0
    /// Inputs that failed (unreadable, undecodable for a perceptual hash, rejected by the encoder).
    public var failed = 0
    /// Items sent to the encoder.
    public var encoderCalls = 0
    /// Seconds spent in the encoder.
    public var encoderSeconds = 0.0
    /// Seconds spent computing keys: reading and hashing files, decoding for perceptual hashes.
    public var digestSeconds = 0.0
    /// Seconds spent looking keys up in the store.
    public var lookupSeconds = 0.0
    /// Seconds the whole cycle took for this strategy.
    public var wallSeconds = 0.0
    /// Served vectors that differ from a fresh encode of the input as it is now.
    public var wrongVectors = 0

    /// Creates an empty measurement.
    ///
    /// - Parameters:
    ///   - strategy: The strategy measured.
    ///   - cycle: The cycle.
    public init(strategy: CacheStrategy, cycle: Int) {
        self.strategy = strategy
        self.cycle = cycle
    }

    /// Hits over inputs, from 0 to 1; 0 for an empty cycle.
    public var hitRate: Double { inputs > 0 ? Double(hits) / Double(inputs) : 0 }
}
