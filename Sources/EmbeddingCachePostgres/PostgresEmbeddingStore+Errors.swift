internal import EmbeddingCache
internal import PostgresNIO

extension PostgresEmbeddingStore {
    /// Whether `error` means an established connection was lost rather than the statement
    /// refused: the server closed it, or shut down, restarted or is starting (SQLSTATE 57P01–57P03),
    /// or a statement was sent on (or was running on) a connection that closed because of that. Every operation of
    /// the store is atomic and idempotent, so these are retried. A server that cannot be reached at
    /// all is not: the pool already retries connecting, and then fails.
    static func isConnectionLoss(_ error: any Error) -> Bool {
        switch error {
        case let error as PSQLError where error.code == .server:
            return ["57P01", "57P02", "57P03"].contains(error.serverInfo?[.sqlState] ?? "")
        case let error as PSQLError where error.code == .clientClosedConnection:
            return error.underlying.map(isConnectionLoss) ?? false
        case let error as PSQLError:
            return [.serverClosedConnection, .uncleanShutdown].contains(error.code)
        case is ConnectionClosedError:
            return true
        default:
            return false
        }
    }
}

extension EmbeddingCacheError {
    /// Wraps a failure of the store at `location` as an ``EmbeddingCacheError``.
    ///
    /// An ``EmbeddingCacheError`` passes through; a `PSQLError` becomes `.storeFailed` (`.storeFull`
    /// for SQLSTATE class 53, insufficient resources) with the original as `underlying`. The message
    /// names the location, the operation and the server's SQLSTATE and message, never a query's
    /// bound values (postgres-nio redacts those too).
    static func store(
        _ error: any Error,
        at location: String,
        while operation: String,
        namespace: Namespace? = nil
    ) -> EmbeddingCacheError {
        if let error = error as? EmbeddingCacheError { return error }
        var code = Code.storeFailed
        let reason: String
        switch error {
        case let error as PSQLError where error.code == .server:
            let state = error.serverInfo?[.sqlState] ?? "?"
            if state.hasPrefix("53") { code = .storeFull }
            reason = "the server reported \(state): \(error.serverInfo?[.message] ?? "no message")"
        case let error as PSQLError:
            reason = "the connection failed (\(error.code))"
        case is ConnectionClosedError:
            reason = "the connection closed"
        case is CancellationError:
            reason = "the call was cancelled"
        default:
            reason = "\(type(of: error))"
        }
        return EmbeddingCacheError(
            code,
            "cannot \(operation) the embedding store at \(location): \(reason)",
            namespace: namespace,
            underlying: error
        )
    }
}
