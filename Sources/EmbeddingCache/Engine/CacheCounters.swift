/// What the cache did: per call in a ``BatchResult``, and in total in ``EmbeddingCache/counters``.
///
/// Every input is exactly one of a hit, a miss or a failure: `inputs == hits + misses + failed`.
public struct CacheCounters: Sendable, Hashable, Codable {
    /// Inputs asked for.
    public var inputs = 0
    /// Inputs served from the store (including repeats of a served input within the call).
    public var hits = 0
    /// Inputs not served from the store that were then encoded (or shared another caller's encode).
    public var misses = 0
    /// Inputs whose bytes repeated an earlier input of the same call, encoded or looked up once.
    public var duplicates = 0
    /// Stored records that failed their checksum: never served, counted in `misses`, re-encoded.
    public var corrupt = 0
    /// Hits found through the secondary key (counted in `hits` too).
    public var secondaryHits = 0
    /// Secondary digests computed: one per byte-digest miss when a secondary key is configured.
    public var secondaryDigests = 0
    /// Items sent to the encoder.
    public var encoded = 0
    /// Inputs that failed: unreadable, rejected by the encoder, or invalid encoder output.
    public var failed = 0
    /// Where the time went: digesting, looking up, encoding, storing.
    public var timings = Timings()

    /// Creates zero counters.
    public init() {}

    /// Adds another set of counters to these.
    ///
    /// - Parameter other: The counters to add.
    public mutating func add(_ other: CacheCounters) {
        inputs += other.inputs
        hits += other.hits
        misses += other.misses
        duplicates += other.duplicates
        corrupt += other.corrupt
        secondaryHits += other.secondaryHits
        secondaryDigests += other.secondaryDigests
        encoded += other.encoded
        failed += other.failed
        timings.add(other.timings)
    }
}

/// The records of one call, in input order, with what the call did.
public struct BatchResult: Sendable {
    /// One result per input, in input order.
    public var results: [Result<TensorRecord, EmbeddingCacheError>]
    /// The counters of this call alone.
    public var counters: CacheCounters
    /// Per input, in input order: the content digest it was looked up under; `nil` for an input
    /// that could not be read, and for every input when the cache was bypassed.
    public var digests: [ContentDigest?]
    /// Per input, in input order: whether its record was served from the store.
    public var hits: [Bool]
}

extension Duration {
    /// The duration in seconds as a `Double`, for reports and counters.
    public var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
