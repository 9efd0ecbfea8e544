/// What `simulate churn --json` prints: the workload, Table 1, every cycle's measurements and the files written.
///
/// ```swift
/// let json = try JSONEncoder().encode(ChurnReport(result: result, files: files, out: "out", input: "photos/"))
/// ```
public struct ChurnReport: Encodable, Sendable {
    /// The files simulated on: PATH or the synthetic corpus.
    public var input: String
    /// The encoder's namespace, as the tables print it.
    public var namespace: String
    /// Cycles, the cold cycle 0 included.
    public var cycles: Int
    /// Inputs embedded per cycle.
    public var inputsPerCycle: Int
    /// The fraction of files changed per cycle.
    public var churn: Double
    /// How changed files change.
    public var kind: ChurnKind
    /// Table 1: one object per strategy.
    public var strategies: [StrategySummary]
    /// Every cycle's measurements, per strategy.
    public var measurements: [CycleMeasurement]
    /// The files written into the output folder.
    public var files: [String]
    /// The output folder.
    public var out: String

    /// The JSON object of a result.
    ///
    /// - Parameters:
    ///   - result: The simulation's result.
    ///   - files: The files written.
    ///   - out: The output folder.
    ///   - input: The files used: PATH or the synthetic corpus.
    public init(result: ChurnResult, files: [String], out: String, input: String) {
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
