import Dispatch

/// Maps indices to values on every core, for the digest step of the hot path (and, in the CLI, for
/// decoding images); `package`, so the package's other modules share it without making it API.
package enum ConcurrentMap {
    /// Computes `transform(i)` for `i` in `0..<count`: on every core when `workers` is above 1,
    /// else in order on the calling thread.
    ///
    /// Hashing is CPU-bound and never suspends, so it runs on Dispatch's worker threads through
    /// `concurrentPerform`, which hands out iterations dynamically (a slow item does not idle the
    /// other cores), rather than as tasks that would hold every cooperative thread and starve the
    /// store lookups meant to overlap with it.
    package static func map<T: Sendable>(
        count: Int,
        workers: Int,
        _ transform: @escaping @Sendable (Int) -> T
    ) async -> [T] {
        guard count > 1, workers > 1 else { return (0..<count).map(transform) }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Each index is initialized by exactly one iteration, and the array is read only after
            // `concurrentPerform` has returned; writing in place spares a copy of every element.
            nonisolated(unsafe) let elements = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: count) { index in
                (elements + index).initialize(to: transform(index))
            }
            initialized = count
        }
    }
}
