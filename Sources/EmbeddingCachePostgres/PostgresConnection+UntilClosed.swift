internal import PostgresNIO
internal import Synchronization

extension PostgresConnection {
    /// Runs `body` on this connection and returns what it returns, or throws
    /// ``ConnectionClosedError`` as soon as the connection closes, whichever comes first.
    ///
    /// postgres-nio writes a statement to its channel without a promise: a statement written just
    /// after the server terminated the connection (an administrator, a restart) is dropped, and
    /// its caller would wait forever. So `body` runs in a task of its own, which this function stops
    /// waiting for once the connection is closed; such a task, stuck on a dropped statement, holds
    /// only the closed connection. Cancelling the caller cancels `body`.
    ///
    /// - Parameter body: The statements to run on this connection.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws; ``ConnectionClosedError`` when the connection closed first.
    func untilClosed<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let outcome = FirstOutcome<Result>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outcome.start(continuation) {
                    Task {
                        do {
                            outcome.finish(.success(try await body(self)))
                        } catch {
                            outcome.finish(.failure(error))
                        }
                    }
                }
                closeFuture.whenComplete { _ in outcome.finish(.failure(ConnectionClosedError())) }
            }
        } onCancel: {
            outcome.cancel()
        }
    }
}

/// The connection closed while statements were running on it.
struct ConnectionClosedError: Error {}

/// Resumes one continuation with the first outcome it is given, and can cancel the task that
/// computes the other.
final class FirstOutcome<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var task: Task<Void, Never>?
        var cancelled = false
    }

    private let state = Mutex(State())

    /// Stores the continuation and starts the task `start` makes, unless already cancelled.
    func start(_ continuation: CheckedContinuation<Value, any Error>, _ start: () -> Task<Void, Never>) {
        let cancelled = state.withLock { state in
            state.continuation = continuation
            return state.cancelled
        }
        if cancelled {
            finish(.failure(CancellationError()))
            return
        }
        let task = start()
        state.withLock { $0.task = task }
    }

    /// Resumes the continuation with `result` if nothing resumed it before.
    func finish(_ result: Result<Value, any Error>) {
        state.withLock { state in
            defer { state.continuation = nil }
            return state.continuation
        }?
        .resume(with: result)
    }

    /// Cancels the task and resumes the continuation with `CancellationError`.
    func cancel() {
        let task = state.withLock { state in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
        finish(.failure(CancellationError()))
    }
}
