public import EmbeddingCache
import FoundationEssentials

/// The study's 30-cycle churn simulation, on any files and any encoder.
///
/// Every strategy sees the same workload: cycle 0 is the files as given (cold), and each later
/// cycle churns a fraction of them (``WorkloadFolder``). Per cycle, every strategy serves every
/// file, and every vector it serves is compared with a fresh encode of the file as it is now: a
/// difference is a wrong vector served.
///
/// ```swift
/// var configuration = ChurnSimulation.Configuration()
/// configuration.cycles = 3
/// let simulation = ChurnSimulation(encoder: encoder, configuration: configuration)
/// let result = try await simulation.run(sources: sources, scratch: folder, stores: stores)
/// print(result.summaries)
/// ```
public struct ChurnSimulation: Sendable {
    /// What to simulate.
    public struct Configuration: Sendable {
        /// Cycles to run, including the cold cycle 0; at least 1.
        public var cycles = 30
        /// How files churn between cycles.
        public var churn = WorkloadFolder.Churn()
        /// The strategies to compare, in order.
        public var strategies = CacheStrategy.allCases
        /// How served vectors are compared with fresh ones.
        public var comparison = RecordComparison()

        /// The study's settings: 30 cycles, 20 % lossless churn, every strategy.
        public init() {}
    }

    /// The encoder every strategy uses.
    public let encoder: any EmbeddingEncoder
    /// What to simulate.
    public let configuration: Configuration

    /// Prepares a simulation.
    ///
    /// - Parameters:
    ///   - encoder: The encoder.
    ///   - configuration: What to simulate.
    public init(encoder: any EmbeddingEncoder, configuration: Configuration = Configuration()) {
        self.encoder = encoder
        self.configuration = configuration
    }

    /// Runs every cycle for every strategy.
    ///
    /// - Parameters:
    ///   - sources: The files of cycle 0.
    ///   - scratch: A folder for the working copy of the files (created; left for the caller to remove).
    ///   - stores: Where each strategy's store is created.
    ///   - progress: Called with the number of (strategy, file) servings done, out of
    ///     `cycles × strategies × sources`.
    /// - Returns: The measurements.
    /// - Throws: ``EmbeddingCacheError`` `.invalidArgument` for the `pixel` strategy with an
    ///   encoder that does not read decoded pixels, and for a store that exists already; the
    ///   errors of reading, churning and storing, naming the file or store.
    public func run(
        sources: [WorkloadSource],
        scratch: String,
        stores: ScratchStores,
        progress: (@Sendable (Int) -> Void)? = nil
    ) async throws -> ChurnResult {
        let strategies = configuration.strategies
        let caches = try strategies.map { try StrategyCache(strategy: $0, encoder: encoder, stores: stores) }
        var workload = try await WorkloadFolder.create(from: sources, in: scratch, churn: configuration.churn)
        var measurements: [CycleMeasurement] = []
        for cycle in 0..<max(1, configuration.cycles) {
            if cycle > 0 { try await workload.churn(cycle: cycle) }
            let inputs = workload.inputs
            let fresh = try await FreshEncoding.records(for: inputs, encoder: encoder)
            for (position, cache) in caches.enumerated() {
                let done = (cycle * caches.count + position) * inputs.count
                let measurement = try await cache.measure(
                    inputs,
                    cycle: cycle,
                    against: fresh,
                    configuration.comparison
                ) {
                    progress?(done + $0)
                }
                measurements.append(measurement)
            }
        }
        return ChurnResult(
            namespace: encoder.namespace.description,
            cycles: max(1, configuration.cycles),
            inputsPerCycle: sources.count,
            churn: configuration.churn.fraction,
            kind: configuration.churn.kind,
            strategies: strategies,
            measurements: measurements
        )
    }
}
