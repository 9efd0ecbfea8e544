import EmbeddingCacheSimulation

/// `simulate batch-sweep --json`: one object per batch size and mode, and the files written.
struct BatchSweepReport: Encodable {
    /// The files used: PATH or the synthetic corpus.
    var input: String
    var namespace: String
    var inputs: Int
    var warmHitRate: Double
    var points: [Point]
    var files: [String]
    var out: String

    /// One run, with its throughput spelled out.
    struct Point: Encodable {
        var batchSize: Int
        var mode: String
        var hits: Int
        var encoded: Int
        var seconds: Double
        var throughput: Double
    }

    init(input: String, result: BatchSweepResult, files: [String], out: String) {
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
