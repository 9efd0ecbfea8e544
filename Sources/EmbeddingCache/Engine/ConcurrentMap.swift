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
        let slots = ResultSlots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            slots.set(index, transform(index))
        }
        return slots.values()
    }
}

/// Write-once slots filled by disjoint indices from several threads, read after they all finish.
private final class ResultSlots<T: Sendable>: @unchecked Sendable {
    // Raw memory rather than an array property: concurrent writes to distinct indices of a class's
    // array would trip Swift's exclusivity checks. Each index is written by exactly one thread and
    // read only after `concurrentPerform` has returned.
    private let storage: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    func set(_ index: Int, _ value: T) { storage[index] = value }

    func values() -> [T] { storage.map { $0! } }
}
