internal import EmbeddingCache
internal import GRDB

extension EmbeddingCacheError {
    /// Wraps a failure of the store at `path` as an ``EmbeddingCacheError``.
    ///
    /// An ``EmbeddingCacheError`` passes through; `SQLITE_FULL` becomes `.storeFull`;
    /// `SQLITE_CORRUPT` and `SQLITE_NOTADB` become ``damaged(_:while:reason:underlying:)``; anything else
    /// becomes `.storeFailed` with the original error as `underlying`. The message names the path
    /// and the operation, never payloads.
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
            return damaged(
                path,
                while: operation,
                reason: "the file is not an SQLite database, or its header is damaged",
                underlying: error
            )
        case .SQLITE_CORRUPT?:
            return damaged(
                path,
                while: operation,
                reason: "the database file is damaged (database disk image is malformed)",
                underlying: error
            )
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

    /// A `.storeDamaged` error naming the file, what is wrong and the command that repairs it.
    ///
    /// - Parameters:
    ///   - path: The database file.
    ///   - operation: What failed, such as "open" or "read".
    ///   - reason: What is wrong, such as "the database file is damaged".
    ///   - underlying: The database's error, when there is one.
    /// - Returns: The error.
    static func damaged(
        _ path: String,
        while operation: String,
        reason: String,
        underlying: (any Error)? = nil
    ) -> EmbeddingCacheError {
        EmbeddingCacheError(
            .storeDamaged,
            """
            cannot \(operation) the embedding store at \(path): \(reason); `\(repairCommand(path))` rebuilds \
            it from the records that can still be read, keeping the damaged file beside it
            """,
            underlying: underlying
        )
    }

    /// The command line that repairs the store at `path`, quoted for a POSIX shell when needed.
    static func repairCommand(_ path: String) -> String {
        let plain = path.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "/._-+,:@".unicodeScalars.contains(scalar))
        }
        let quoted = plain ? path : "'\(path.replacing("'", with: "'\\''"))'"
        return "embcache verify --repair --store \(quoted)"
    }
}
