import Dispatch

/// Maps indices to values on every core: the digest step of the hot path, and any CPU-bound work
/// over many inputs (decoding images, rendering a synthetic dataset).
///
/// ```swift
/// let hashes = await ConcurrentMap.map(count: files.count, workers: 8) { index in hash(files[index]) }
/// ```
public enum ConcurrentMap {
    /// Computes `transform(i)` for `i` in `0..<count`: on every core when `workers` is above 1,
    /// else in order on the calling thread.
    ///
    /// Hashing is CPU-bound and never suspends, so it runs on Dispatch's worker threads through
    /// `concurrentPerform`, which hands out iterations dynamically (a slow item does not idle the
    /// other cores), rather than as tasks that would hold every cooperative thread and starve the
    /// store lookups meant to overlap with it.
    ///
    /// - Parameters:
    ///   - count: How many values to compute.
    ///   - workers: Above 1 to use every core; 1 to compute in order on the calling thread.
    ///   - transform: Computes the value of one index; called once per index, from any thread.
    /// - Returns: The values, in index order.
    public static func map<T: Sendable>(
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
