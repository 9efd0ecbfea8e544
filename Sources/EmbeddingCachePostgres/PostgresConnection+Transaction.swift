internal import Logging
internal import PostgresNIO

extension PostgresConnection {
    /// Runs `body` between `BEGIN` and `COMMIT` on this connection, or between `BEGIN` and
    /// `ROLLBACK` when `rollingBack` (a dry run).
    ///
    /// When `body` or the commit fails, the transaction is rolled back: with a `ROLLBACK` while the
    /// connection is open, by the server itself when the connection was lost. Unlike postgres-nio's
    /// `withTransaction`, this never writes a `ROLLBACK` to a connection its server has just
    /// terminated: postgres-nio may never answer a query written to a connection that is closing,
    /// and the caller would wait forever.
    ///
    /// - Parameters:
    ///   - logger: Where the statements log.
    ///   - rollingBack: Whether to undo the transaction even when `body` succeeds.
    ///   - body: The statements to run inside the transaction.
    /// - Returns: What `body` returns.
    /// - Throws: What `BEGIN`, `body` or `COMMIT` throws.
    func transaction<Result>(
        logger: Logger,
        rollingBack: Bool = false,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await query("BEGIN", logger: logger)
        do {
            let result = try await body(self)
            try await query(rollingBack ? "ROLLBACK" : "COMMIT", logger: logger)
            return result
        } catch {
            if !isClosed, !PostgresEmbeddingStore.isConnectionLoss(error) {
                _ = try? await query("ROLLBACK", logger: logger)
            }
            throw error
        }
    }
}
