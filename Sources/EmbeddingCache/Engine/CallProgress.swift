/// How far one call of the cache has got, reported as its inputs finish.
///
/// ```swift
/// let result = try await cache.results(for: inputs) { progress in
///     print("\(progress.finished)/\(inputs.count), \(progress.hits) hits")
/// }
/// ```
public struct CallProgress: Sendable, Equatable {
    /// Inputs finished so far: served from the store, encoded, or failed.
    public var finished: Int
    /// Inputs served from the store so far.
    public var hits: Int
    /// Inputs encoded so far (by this call, or by another caller it waited for).
    public var misses: Int

    /// Inputs that failed so far.
    public var failed: Int { finished - hits - misses }

    /// Creates a progress report.
    ///
    /// - Parameters:
    ///   - finished: Inputs finished.
    ///   - hits: Inputs served from the store.
    ///   - misses: Inputs encoded.
    public init(finished: Int = 0, hits: Int = 0, misses: Int = 0) {
        self.finished = finished
        self.hits = hits
        self.misses = misses
    }

    /// The progress of a run made of two parts, one after the other: each figure summed.
    ///
    /// - Parameters:
    ///   - earlier: The first part's final progress.
    ///   - later: The second part's progress.
    /// - Returns: The whole run's progress.
    public static func + (earlier: CallProgress, later: CallProgress) -> CallProgress {
        CallProgress(
            finished: earlier.finished + later.finished,
            hits: earlier.hits + later.hits,
            misses: earlier.misses + later.misses
        )
    }
}
