/// Where a call's time went, step by step: the engine's one timing instrument.
///
/// Every call fills one in its ``CacheCounters``; reports print it, and a server can map it to its
/// metrics. Steps overlap (storing a batch runs while the next one encodes), so the parts can add
/// up to more than the call's wall time.
public struct Timings: Sendable, Hashable, Codable {
    /// Seconds spent reading and digesting inputs (wall time, all cores).
    public var digest = 0.0
    /// Seconds spent looking keys up in the store. With a store that looks up during the digest
    /// pass (``EmbeddingStore/synchronousLookup``), those lookups' time is summed over the cores and
    /// is also part of ``digest``.
    public var lookup = 0.0
    /// Seconds spent waiting for the encoder, summed over the batches (which overlap when the
    /// encoder serves several at once, see ``EmbeddingEncoder/concurrentBatches``).
    public var encode = 0.0
    /// Seconds spent writing to the store (overlapping encoding where possible).
    public var store = 0.0

    /// Creates zero timings.
    public init() {}

    /// Adds another call's timings to these.
    ///
    /// - Parameter other: The timings to add.
    public mutating func add(_ other: Timings) {
        digest += other.digest
        lookup += other.lookup
        encode += other.encode
        store += other.store
    }

    /// Runs `body` on the calling thread and returns what it returns with the seconds it took.
    static func measureSynchronously<Result>(
        _ body: () throws -> Result
    ) rethrows -> (result: Result, seconds: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try body()
        return (result, (clock.now - start).seconds)
    }

    /// Runs `body` and returns what it returns with the seconds it took.
    static func measure<Result>(
        _ body: () async throws -> Result
    ) async rethrows -> (result: Result, seconds: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await body()
        return (result, (clock.now - start).seconds)
    }
}
