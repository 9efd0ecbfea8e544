internal import EmbeddingCache
internal import GRDB

#if canImport(GRDBSQLite)
internal import GRDBSQLite
#else
internal import SQLite3
#endif

/// One read-only connection of the lookups, with the statements a lookup runs compiled on it once.
///
/// GRDB opens and configures the connection (and closes it when this goes); lookups then drive
/// its SQLite handle directly, not through the queue's `inDatabase`, whose dispatch-queue hop and
/// statement-cache search by SQL text cost more than SQLite's own work for a warm single key
/// (`docs/benchmarks.md`). That is safe because a connection is used by one caller at a time
/// (``LookupConnections`` hands each to one caller) and GRDB runs nothing on it by itself. The
/// statements are finalized here, before GRDB closes the connection.
///
/// `@unchecked Sendable`: it moves between threads through ``LookupConnections``' idle stack, and
/// only the one caller holding it uses it.
final class LookupConnection: @unchecked Sendable {
    private let queue: DatabaseQueue
    /// The SQLite connection, for blob handles and error messages.
    let handle: SQLiteConnection
    /// The store's lookup statement (``SQLiteEmbeddingStore/lookupSQL``).
    let lookup: RawStatement
    private let begin: RawStatement
    private let commit: RawStatement
    /// The namespace this connection last looked up, and its id.
    private var lastNamespace: (namespace: Namespace, id: Int64)?

    /// Takes over `queue`'s connection and compiles the lookup statements on it.
    ///
    /// - Throws: `DatabaseError` when a statement does not compile (a store of another schema).
    init(_ queue: DatabaseQueue) throws {
        self.queue = queue
        guard let handle = queue.inDatabase({ $0.sqliteConnection }) else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the lookup connection is closed")
        }
        self.handle = handle
        // Each statement compiled so far is finalized if a later one does not compile.
        var compiled = [RawStatement]()
        do {
            for sql in ["BEGIN DEFERRED", "COMMIT", SQLiteEmbeddingStore.lookupSQL] {
                compiled.append(try RawStatement(preparing: sql, on: handle))
            }
        } catch {
            for statement in compiled { statement.finalize() }
            throw error
        }
        (begin, commit, lookup) = (compiled[0], compiled[1], compiled[2])
    }

    deinit {
        lookup.finalize()
        begin.finalize()
        commit.finalize()
    }

    /// Whether a transaction is still open on the connection.
    var isInsideTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// The id of `namespace`, or `nil` when no record was ever stored in it, through
    /// `lookUp` (run on this connection) when it is not the namespace this connection last saw.
    func namespaceID(
        of namespace: Namespace,
        _ lookUp: (Namespace, Database) throws -> Int64?
    ) throws -> Int64? {
        if let lastNamespace, lastNamespace.namespace == namespace { return lastNamespace.id }
        guard let id = try queue.inDatabase({ try lookUp(namespace, $0) }) else { return nil }
        lastNamespace = (namespace, id)
        return id
    }

    /// Runs `body` in one read transaction, begun and committed with the statements kept here, so
    /// that every statement it runs sees the same snapshot and the read locks are taken once.
    func inTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        try begin.run()
        defer { try? commit.run() }
        return try body()
    }
}
