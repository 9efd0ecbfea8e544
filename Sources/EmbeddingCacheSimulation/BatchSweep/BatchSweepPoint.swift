/// One run of the batch-size sweep: one batch size in one mode.
public struct BatchSweepPoint: Sendable, Hashable, Codable {
    /// How the cache stands before the run.
    public enum Mode: String, CaseIterable, Sendable, Codable {
        /// No cache: every input is encoded.
        case noCache = "no-cache"
        /// An empty store: every input is encoded and stored.
        case cold
        /// A store holding most inputs already.
        case warm
    }

    /// Inputs per call, and per encoder batch.
    public var batchSize: Int
    /// The mode.
    public var mode: Mode
    /// Inputs served.
    public var inputs: Int
    /// Inputs served from the store.
    public var hits: Int
    /// Inputs sent to the encoder.
    public var encoded: Int
    /// Wall seconds of the run.
    public var seconds: Double

    /// Inputs per second.
    public var throughput: Double { seconds > 0 ? Double(inputs) / seconds : 0 }
}
