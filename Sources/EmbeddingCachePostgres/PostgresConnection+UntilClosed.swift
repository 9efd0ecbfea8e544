internal import PostgresNIO
internal import Synchronization

extension PostgresConnection {
    /// Runs `body` on this connection and returns what it returns, or throws
    /// ``ConnectionClosedError`` as soon as the connection closes, whichever comes first.
    ///
    /// postgres-nio writes a statement to its channel without a promise: a statement written just
    /// after the server terminated the connection (an administrator, a restart) is dropped, and
    /// its caller would wait forever. So `body` runs in a task of its own, which this function stops
    /// waiting for once `watch` reports the connection closed; such a task, stuck on a dropped
    /// statement, holds only the closed connection. Cancelling the caller cancels `body`.
    ///
    /// - Parameters:
    ///   - watch: What reports this connection's close.
    ///   - body: The statements to run on this connection.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws; ``ConnectionClosedError`` when the connection closed first.
    func untilClosed<Result: Sendable>(
        watchedBy watch: CloseWatch,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let outcome = FirstOutcome<Result>()
        let token = watch.start(self) { outcome.finish(.failure(ConnectionClosedError())) }
        defer { watch.stop(self, token) }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outcome.start(continuation) {
                    // Unstructured on purpose: postgres-nio 1.33.2 writes statements with `promise: nil`
                    // (PostgresConnection.execute), so a statement dropped by a closed channel never
                    // returns, and a structured child would hold its caller forever.
                    Task {
                        do {
                            outcome.finish(.success(try await body(self)))
                        } catch {
                            outcome.finish(.failure(error))
                        }
                    }
                }
            }
        } onCancel: {
            outcome.cancel()
        }
    }
}

/// The connection closed while statements were running on it.
struct ConnectionClosedError: Error {}

/// Calls back the operations running on connections when their connection closes, with one close
/// callback per connection however many operations it runs, so a long-lived pooled connection
/// does not collect callbacks.
final class CloseWatch: Sendable {
    private struct State {
        var watched: [ObjectIdentifier: [Int: @Sendable () -> Void]] = [:]
        var lastToken = 0
    }

    private let state = Mutex(State())

    /// Creates a watch that watches no connection yet.
    init() {}

    /// Calls `onClose` once if `connection` closes before ``stop(_:_:)`` is called with the
    /// returned token (at once if it is closed already).
    func start(_ connection: PostgresConnection, _ onClose: @escaping @Sendable () -> Void) -> Int {
        let key = ObjectIdentifier(connection)
        let (token, first) = state.withLock { state in
            state.lastToken += 1
            let first = state.watched[key] == nil
            state.watched[key, default: [:]][state.lastToken] = onClose
            return (state.lastToken, first)
        }
        if first { connection.closeFuture.whenComplete { _ in self.closed(key) } }
        return token
    }

    /// Stops calling back the operation `token` names.
    func stop(_ connection: PostgresConnection, _ token: Int) {
        _ = state.withLock { $0.watched[ObjectIdentifier(connection)]?.removeValue(forKey: token) }
    }

    private func closed(_ key: ObjectIdentifier) {
        let callbacks = state.withLock { $0.watched.removeValue(forKey: key) }
        for callback in callbacks?.values ?? [:].values { callback() }
    }
}

/// Resumes one continuation with the first outcome it is given (kept until the continuation
/// arrives), and can cancel the task that computes the other.
final class FirstOutcome<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var early: Result<Value, any Error>?
        var task: Task<Void, Never>?
        var done = false
    }

    private let state = Mutex(State())

    /// Resumes `continuation` at once with an outcome given before; otherwise keeps it and
    /// starts the task `start` makes.
    func start(_ continuation: CheckedContinuation<Value, any Error>, _ start: () -> Task<Void, Never>) {
        let early = state.withLock { state -> Result<Value, any Error>? in
            if let early = state.early {
                state.done = true
                return early
            }
            state.continuation = continuation
            return nil
        }
        if let early { return continuation.resume(with: early) }
        let task = start()
        state.withLock { $0.task = task }
    }

    /// Resumes the continuation with `result` unless an outcome came first.
    func finish(_ result: Result<Value, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<Value, any Error>? in
            guard !state.done else { return nil }
            guard let continuation = state.continuation else {
                if state.early == nil { state.early = result }
                return nil
            }
            state.done = true
            state.continuation = nil
            return continuation
        }
        continuation?.resume(with: result)
    }

    /// Cancels the task and ends with `CancellationError` unless an outcome came first.
    func cancel() {
        state.withLock { $0.task }?.cancel()
        finish(.failure(CancellationError()))
    }
}
