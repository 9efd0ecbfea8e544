public import EmbeddingCache

/// What one embedding run did, flattened for a JSON report: the cache's counters and timings, the
/// namespace, where the store and the output are, and the failed inputs.
///
/// ```swift
/// let outcome = try await run.run()
/// let report = EmbedReport(counters: outcome.counters, seconds: outcome.seconds, namespace: cache.namespace,
///                          store: "cache.sqlite", output: nil, failures: outcome.failures)
/// ```
public struct EmbedReport: Encodable, Sendable {
    /// Inputs given.
    public var inputs: Int
    /// Inputs served from the store.
    public var hits: Int
    /// Inputs not in the store.
    public var misses: Int
    /// Inputs repeating an earlier input of the call.
    public var duplicates: Int
    /// Records found corrupt (treated as misses).
    public var corrupt: Int
    /// Hits found through the pixel digest under `--pixel-key` (counted in `hits` too).
    public var pixelHits: Int
    /// Images decoded to digest their pixels: one per byte miss under `--pixel-key`.
    public var decoded: Int
    /// Inputs sent to the encoder.
    public var encoded: Int
    /// Inputs that failed.
    public var failed: Int
    /// Wall-clock seconds of the run.
    public var seconds: Double
    /// Seconds spent digesting.
    public var digestSeconds: Double
    /// Seconds spent looking up.
    public var lookupSeconds: Double
    /// Seconds spent encoding.
    public var encodeSeconds: Double
    /// Seconds spent storing.
    public var storeSeconds: Double
    /// The cache's namespace.
    public var namespace: NamespaceReport
    /// The store, as the caller names it; `nil` when the cache was bypassed.
    public var store: String?
    /// The output file, if any.
    public var output: String?
    /// The inputs that failed, in input order.
    public var failures: [EmbedRun.Failure]
    /// File digests taken from the stat memo instead of reading the files; `nil` (and left out of
    /// the JSON) when no memo was used.
    public var statMemoDigests: Int?
    /// Worker processes started by a `process:` encoder: 0 when its handshake was remembered and
    /// every input was cached; `nil` (and left out of the JSON) for other encoders.
    public var workersStarted: Int?

    /// Flattens a run's outcome.
    ///
    /// - Parameters:
    ///   - counters: The cache's counters.
    ///   - seconds: Wall-clock seconds of the run.
    ///   - namespace: The cache's namespace.
    ///   - store: How to name the store; `nil` when the cache was bypassed.
    ///   - output: The output file, if any.
    ///   - failures: The inputs that failed.
    public init(
        counters: CacheCounters,
        seconds: Double,
        namespace: Namespace,
        store: String?,
        output: String?,
        failures: [EmbedRun.Failure]
    ) {
        inputs = counters.inputs
        hits = counters.hits
        misses = counters.misses
        duplicates = counters.duplicates
        corrupt = counters.corrupt
        pixelHits = counters.secondaryHits
        decoded = counters.secondaryDigests
        encoded = counters.encoded
        failed = counters.failed
        self.seconds = seconds
        digestSeconds = counters.timings.digest
        lookupSeconds = counters.timings.lookup
        encodeSeconds = counters.timings.encode
        storeSeconds = counters.timings.store
        self.namespace = NamespaceReport(namespace)
        self.store = store
        self.output = output
        self.failures = failures
    }
}
