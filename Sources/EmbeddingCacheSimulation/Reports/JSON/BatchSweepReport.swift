/// What `simulate batch-sweep --json` prints: one object per batch size and mode, and the files written.
///
/// ```swift
/// let json = try JSONEncoder().encode(BatchSweepReport(input: "photos/", result: result, files: files, out: "out"))
/// ```
public struct BatchSweepReport: Encodable, Sendable {
    /// The files used: PATH or the synthetic corpus.
    public var input: String
    /// The encoder's namespace, as the tables print it.
    public var namespace: String
    /// Inputs embedded.
    public var inputs: Int
    /// The fraction of inputs cached before each timed run.
    public var warmHitRate: Double
    /// One object per batch size and mode.
    public var points: [Point]
    /// The files written into the output folder.
    public var files: [String]
    /// The output folder.
    public var out: String

    /// One run, with its throughput spelled out.
    public struct Point: Encodable, Sendable {
        /// The batch size.
        public var batchSize: Int
        /// The mode's name.
        public var mode: String
        /// Hits served.
        public var hits: Int
        /// Inputs encoded.
        public var encoded: Int
        /// Wall-clock seconds of the run.
        public var seconds: Double
        /// Inputs per second.
        public var throughput: Double
    }

    /// The JSON object of a result.
    ///
    /// - Parameters:
    ///   - input: The files used: PATH or the synthetic corpus.
    ///   - result: The simulation's result.
    ///   - files: The files written.
    ///   - out: The output folder.
    public init(input: String, result: BatchSweepResult, files: [String], out: String) {
        self.input = input
        namespace = result.namespace
        inputs = result.inputs
        warmHitRate = result.warmHitRate
        points = result.points.map {
            Point(
                batchSize: $0.batchSize,
                mode: $0.mode.rawValue,
                hits: $0.hits,
                encoded: $0.encoded,
                seconds: $0.seconds,
                throughput: $0.throughput
            )
        }
        self.files = files
        self.out = out
    }
}
