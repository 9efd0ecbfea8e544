/// Everything a churn simulation measured: one row per strategy and cycle, and the study's Table 1.
public struct ChurnResult: Sendable, Hashable, Codable {
    /// The encoder's namespace, as printed.
    public var namespace: String
    /// Cycles run, including the cold cycle 0.
    public var cycles: Int
    /// Files per cycle.
    public var inputsPerCycle: Int
    /// The fraction of files changed per cycle.
    public var churn: Double
    /// How they changed.
    public var kind: ChurnKind
    /// The strategies compared, in order.
    public var strategies: [CacheStrategy]
    /// One measurement per strategy and cycle, cycle by cycle.
    public var measurements: [CycleMeasurement]

    /// Table 1: one summary per strategy, in ``strategies`` order.
    public var summaries: [StrategySummary] {
        strategies.map { StrategySummary(strategy: $0, measurements: measurements) }
    }

    /// The measurements of one strategy, in cycle order.
    ///
    /// - Parameter strategy: The strategy.
    /// - Returns: Its measurements.
    public func measurements(of strategy: CacheStrategy) -> [CycleMeasurement] {
        measurements.filter { $0.strategy == strategy }.sorted { $0.cycle < $1.cycle }
    }
}
