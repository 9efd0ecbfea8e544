/// One strategy over a whole churn simulation: one row of the study's Table 1.
public struct StrategySummary: Sendable, Hashable, Codable {
    /// The strategy.
    public var strategy: CacheStrategy
    /// Seconds spent in the encoder over every cycle.
    public var encoderSeconds: Double
    /// Items sent to the encoder over every cycle.
    public var encoderCalls: Int
    /// Hits over inputs in cycles 1 and later (the warm cycles); `nil` with a single cycle.
    public var hitRateFromCycle1: Double?
    /// Served vectors that differed from a fresh encode, over every cycle.
    public var wrongVectors: Int
    /// Inputs that failed, over every cycle.
    public var failed: Int
    /// Wall seconds over every cycle.
    public var wallSeconds: Double

    private enum CodingKeys: String, CodingKey {
        case strategy, encoderSeconds, encoderCalls, wrongVectors, failed, wallSeconds
        // Spelled out so that JSON in snake case and the CSV column agree on `hit_rate_from_cycle_1`.
        case hitRateFromCycle1 = "hit_rate_from_cycle_1"
    }

    /// Sums one strategy's measurements.
    ///
    /// - Parameters:
    ///   - strategy: The strategy.
    ///   - measurements: Its measurements, one per cycle.
    public init(strategy: CacheStrategy, measurements: [CycleMeasurement]) {
        let mine = measurements.filter { $0.strategy == strategy }
        let warm = mine.filter { $0.cycle >= 1 }
        let warmInputs = warm.reduce(0) { $0 + $1.inputs }
        self.strategy = strategy
        encoderSeconds = mine.reduce(0) { $0 + $1.encoderSeconds }
        encoderCalls = mine.reduce(0) { $0 + $1.encoderCalls }
        hitRateFromCycle1 = warmInputs > 0 ? Double(warm.reduce(0) { $0 + $1.hits }) / Double(warmInputs) : nil
        wrongVectors = mine.reduce(0) { $0 + $1.wrongVectors }
        failed = mine.reduce(0) { $0 + $1.failed }
        wallSeconds = mine.reduce(0) { $0 + $1.wallSeconds }
    }
}
