internal import EmbeddingCache
internal import GRDB
internal import Synchronization

extension SQLiteEmbeddingStore {
    private typealias Columns = Schema.Namespace.Columns

    private static let selectNamespaceSQL = """
        SELECT \(Columns.id) FROM \(Schema.Namespace.table)
        WHERE \(Columns.model) = ? AND \(Columns.preprocessing) = ? AND \(Columns.storage) = ?
        """

    private static let insertNamespaceSQL = """
        INSERT INTO \(Schema.Namespace.table) (\(Columns.model), \(Columns.preprocessing), \(Columns.storage))
        VALUES (?, ?, ?) ON CONFLICT DO NOTHING
        """

    /// The id of `namespace`, or `nil` when no record was ever stored in it.
    func namespaceID(of namespace: Namespace, _ db: Database) throws -> Int64? {
        if let id = namespaceIDs.withLock({ $0[namespace] }) { return id }
        let arguments: StatementArguments = [namespace.model, namespace.preprocessing, namespace.storage.rawValue]
        guard let id = try Int64.fetchOne(db.cachedStatement(sql: Self.selectNamespaceSQL), arguments: arguments) else {
            return nil
        }
        namespaceIDs.withLock { $0[namespace] = id }
        return id
    }

    /// The id of `namespace`, committing a new row for it when needed.
    ///
    /// The row is committed before any side file or entry refers to its id.
    func createNamespaceID(of namespace: Namespace) async throws -> Int64 {
        if let id = namespaceIDs.withLock({ $0[namespace] }) { return id }
        if let id = try await pool.read({ try self.namespaceID(of: namespace, $0) }) { return id }
        return try await pool.write { db in
            let arguments: StatementArguments = [namespace.model, namespace.preprocessing, namespace.storage.rawValue]
            try db.cachedStatement(sql: Self.insertNamespaceSQL).execute(arguments: arguments)
            return try Int64.fetchOne(db.cachedStatement(sql: Self.selectNamespaceSQL), arguments: arguments)!
        }
    }
}
