internal import EmbeddingCache
internal import GRDB

extension EmbeddingCacheError {
    /// Wraps a failure of the store at `path` as an ``EmbeddingCacheError``.
    ///
    /// An ``EmbeddingCacheError`` passes through; `SQLITE_FULL` becomes `.storeFull`;
    /// `SQLITE_NOTADB` becomes `.storeIncompatible`; `SQLITE_CORRUPT` becomes `.storeFailed` saying the
    /// file is damaged; anything else becomes `.storeFailed` with the
    /// original error as `underlying`. The message names the path and the operation, never payloads.
    static func store(
        _ error: any Error,
        path: String,
        while operation: String,
        namespace: Namespace? = nil
    ) -> EmbeddingCacheError {
        if let error = error as? EmbeddingCacheError { return error }
        let code: Code
        let reason: String
        switch (error as? DatabaseError)?.resultCode {
        case .SQLITE_FULL?:
            (code, reason) = (.storeFull, "the disk or database is full")
        case .SQLITE_NOTADB?:
            (code, reason) = (.storeIncompatible, "the file is not an SQLite database")
        case .SQLITE_CORRUPT?:
            (code, reason) = (.storeFailed, "the database file is damaged (database disk image is malformed)")
        default:
            (code, reason) = (.storeFailed, "the database reported an error")
        }
        return EmbeddingCacheError(
            code,
            "cannot \(operation) the embedding store at \(path): \(reason)",
            namespace: namespace,
            underlying: error
        )
    }
}
