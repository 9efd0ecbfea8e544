public import EmbeddingCache
internal import PostgresNIO

extension PostgresEmbeddingStore {
    /// Removes the records still stored exactly as given, comparing and deleting in one statement
    /// (or, past 64 MiB of payloads, in one transaction); see
    /// ``EmbeddingStore/deleteIfUnchanged(_:in:)``.
    ///
    /// A row is deleted only when its checksum and payload bytes equal the given record's, so a
    /// record that another host stored again meanwhile is kept.
    ///
    /// - Parameters:
    ///   - entries: The records as they were read.
    ///   - namespace: Their namespace.
    /// - Returns: The number of records removed.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be written.
    public func deleteIfUnchanged(_ entries: [StoreEntry], in namespace: Namespace) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        return try await access("delete from", namespace) {
            guard let namespaceID = try await namespaceID(of: namespace) else { return 0 }
            let statements = Self.chunks(entries.sorted { $0.digest < $1.digest }).map {
                DeleteUnchangedEntries(namespaceID: namespaceID, entries: $0)
            }
            guard statements.count > 1 else { return try await rows(statements[0]).reduce(0) { $0 + Int($1) } }
            return try await withConnection { connection in
                try await connection.transaction(logger: self.logger) { connection in
                    var count = 0
                    for statement in statements {
                        count += try await connection.execute(statement, logger: self.logger).reduce(0) { $0 + Int($1) }
                    }
                    return count
                }
            }
        }
    }
}

/// Deletes the entries of one namespace whose checksum and payload are still the given ones, and
/// counts them.
struct DeleteUnchangedEntries: PostgresPreparedStatement {
    static let sql = """
        WITH gone AS (
            DELETE FROM embcache_entry AS e
            USING unnest($2::bytea[], $3::bytea[], $4::integer[]) AS given (d, p, c)
            WHERE e.namespace_id = $1 AND e.digest = given.d AND e.checksum = given.c AND e.payload = given.p
            RETURNING 1
        )
        SELECT count(*) FROM gone
        """
    typealias Row = Int64

    let namespaceID: Int32
    let entries: ArraySlice<StoreEntry>

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(namespaceID)
        bindings.append(entries.map(\.digest.buffer))
        bindings.append(entries.map { ByteBuffer(bytes: $0.record.payload) })
        bindings.append(entries.map { Int32(bitPattern: $0.record.checksum) })
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}
