import Synchronization

/// Maps indices to values on every core, for the digest step of the hot path.
enum ConcurrentMap {
    /// Computes `transform(i)` for `i` in `0..<count` with `workers` tasks that take indices
    /// one at a time from a shared counter, so slow items do not idle the other cores.
    static func map<T: Sendable>(
        count: Int,
        workers: Int,
        _ transform: @escaping @Sendable (Int) -> T
    ) async -> [T] {
        guard count > 1, workers > 1 else { return (0..<count).map(transform) }
        let slots = ResultSlots<T>(count: count)
        let next = IndexCounter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<min(workers, count) {
                group.addTask {
                    while let index = next.take(below: count) { slots.set(index, transform(index)) }
                }
            }
        }
        return slots.values()
    }
}

/// A shared index counter.
private final class IndexCounter: Sendable {
    private let value = Atomic<Int>(0)

    func take(below limit: Int) -> Int? {
        let index = value.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < limit ? index : nil
    }
}

/// Write-once slots filled by disjoint indices from several tasks, read after they all finish.
private final class ResultSlots<T: Sendable>: @unchecked Sendable {
    // Raw memory rather than an array property: concurrent writes to distinct indices of a class's
    // array would trip Swift's exclusivity checks. Each index is written by exactly one task and
    // read only after the task group has joined.
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
