internal import EmbeddingCache
internal import PostgresNIO
internal import Synchronization

extension PostgresEmbeddingStore {
    /// Runs `body` on a connection leased from the pool, waiting at most
    /// ``Configuration/connectionWait`` for one.
    ///
    /// postgres-nio's pool can lose track of a request when the server terminates a connection as
    /// it finishes starting, and then never hands out a connection nor fails the request: the wait
    /// is bounded so that the operation fails clearly instead of hanging. Once `body` runs, it runs
    /// to its end: statements are never cut short.
    ///
    /// - Parameter body: The statements to run; the connection must not escape it.
    /// - Returns: What `body` returns.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when no connection came in time; what the
    ///   pool or `body` throws.
    func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let leased = LeaseFlag()
        let wait = configuration.connectionWait
        return try await withThrowingTaskGroup(of: LeaseOutcome<Result>.self) { group in
            group.addTask {
                .finished(
                    try await self.client.withConnection { connection in
                        leased.value.store(true, ordering: .releasing)
                        return try await connection.untilClosed(watchedBy: self.closeWatch, body)
                    }
                )
            }
            group.addTask {
                try await Task.sleep(for: wait)
                return leased.value.load(ordering: .acquiring) ? .leased : .timedOut
            }
            defer { group.cancelAll() }
            while true {
                switch try await group.next() {
                case .finished(let result): return result
                case .leased, nil: continue
                case .timedOut:
                    throw EmbeddingCacheError(
                        .storeFailed,
                        "no connection to the embedding store at \(configuration.redactedURL) came within \(wait.components.seconds) s"
                    )
                }
            }
        }
    }

    /// Runs a prepared statement on a pooled connection (see ``withConnection(_:)``) and reads
    /// all its rows.
    ///
    /// - Parameter statement: The statement with its bindings.
    /// - Returns: The decoded rows, in the server's order.
    /// - Throws: What ``withConnection(_:)`` or the statement throws.
    func rows<Statement: PostgresPreparedStatement>(
        _ statement: Statement
    ) async throws -> [Statement.Row] where Statement.Row: Sendable {
        try await withConnection { connection in
            var rows = [Statement.Row]()
            for try await row in try await connection.execute(statement, logger: self.logger) { rows.append(row) }
            return rows
        }
    }
}

/// Whether a pooled connection was handed out, set from the task that got it.
final class LeaseFlag: Sendable {
    let value = Atomic<Bool>(false)
}

/// How one of the two tasks of ``PostgresEmbeddingStore/withConnection(_:)`` ended.
enum LeaseOutcome<Result: Sendable>: Sendable {
    /// The operation ran and returned.
    case finished(Result)
    /// The wait ended after a connection was handed out: the operation goes on.
    case leased
    /// The wait ended with no connection.
    case timedOut
}
