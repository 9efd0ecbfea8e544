import Synchronization

/// Lets at most a fixed number of tasks run a body at once; the others wait in arrival order.
final class AsyncLimiter: Sendable {
    private struct State {
        var available: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    /// Creates a limiter.
    ///
    /// - Parameter limit: How many bodies may run at once; at least one.
    init(limit: Int) {
        state = Mutex(State(available: max(1, limit)))
    }

    /// Runs `body` once fewer than the limit are running.
    ///
    /// - Parameter body: The work.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    func run<R: Sendable>(_ body: () async throws -> R) async throws -> R {
        await withCheckedContinuation { continuation in
            let admitted = state.withLock { state in
                guard state.available > 0 else {
                    state.waiting.append(continuation)
                    return false
                }
                state.available -= 1
                return true
            }
            if admitted { continuation.resume() }
        }
        defer { release() }
        return try await body()
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.available += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
