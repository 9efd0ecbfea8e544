import EmbeddingCacheSimulation

/// `simulate churn --json`: the workload, Table 1, every cycle's measurements and the files written.
struct ChurnReport: Encodable {
    /// The files simulated on: PATH or the synthetic corpus.
    var input: String
    var namespace: String
    var cycles: Int
    var inputsPerCycle: Int
    var churn: Double
    var kind: ChurnKind
    /// Table 1: one object per strategy.
    var strategies: [StrategySummary]
    var measurements: [CycleMeasurement]
    var files: [String]
    var out: String

    init(result: ChurnResult, files: [String], out: String, input: String) {
        self.input = input
        namespace = result.namespace
        cycles = result.cycles
        inputsPerCycle = result.inputsPerCycle
        churn = result.churn
        kind = result.kind
        strategies = result.summaries
        measurements = result.measurements
        self.files = files
        self.out = out
    }
}
