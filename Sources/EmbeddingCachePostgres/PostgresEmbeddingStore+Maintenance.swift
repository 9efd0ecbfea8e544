public import EmbeddingCache
internal import PostgresNIO

extension PostgresEmbeddingStore {
    /// Counts entries and payload bytes per namespace, and the tables' size on disk.
    ///
    /// - Returns: The statistics, sorted by namespace description; `diskBytes` is the total size of
    ///   the store's tables and indexes.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be read;
    ///   `.storeIncompatible` for a storage policy this version does not know.
    /// - Complexity: One scan of the entry table.
    public func statistics() async throws -> StoreStatistics {
        try await access("read statistics of") {
            try await withConnection { connection in
                var namespaces = [StoreStatistics.NamespaceStatistics]()
                let rows = try await connection.query(
                    """
                    SELECT n.model, n.preprocessing, n.storage, count(*), sum(e.size)::bigint
                    FROM embcache_entry e JOIN embcache_namespace n ON n.id = e.namespace_id
                    GROUP BY n.id, n.model, n.preprocessing, n.storage
                    """,
                    logger: self.logger
                )
                for try await (model, preprocessing, storage, entries, bytes) in rows.decode(
                    (String, String, String, Int, Int).self
                ) {
                    guard let policy = StoragePolicy(rawValue: storage) else {
                        throw EmbeddingCacheError(
                            .storeIncompatible,
                            "the store holds an unknown storage policy '\(storage)'"
                        )
                    }
                    let namespace = Namespace(model: model, preprocessing: preprocessing, storage: policy)
                    namespaces.append(.init(namespace: namespace, entries: entries, bytes: bytes))
                }
                var diskBytes = 0
                let size = try await connection.query(
                    """
                    SELECT pg_total_relation_size('embcache_entry') + pg_total_relation_size('embcache_namespace')
                        + pg_total_relation_size('embcache_claim')
                    """,
                    logger: self.logger
                )
                for try await bytes in size.decode(Int.self) { diskBytes = bytes }
                return StoreStatistics(
                    namespaces: namespaces.sorted { $0.namespace.description < $1.namespace.description },
                    diskBytes: diskBytes
                )
            }
        }
    }

    /// Removes entries by namespace, then by age, then least recently used first down to a size.
    ///
    /// Each criterion is one `DELETE` statement, which locks only the rows it removes. Expired
    /// leases are removed too. Last-use times are as coarse as ``Configuration/touchInterval``.
    ///
    /// - Parameter criteria: What to remove; criteria combine.
    /// - Returns: The entries and payload bytes removed.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be written; entries
    ///   removed by statements that completed before the failure stay removed.
    public func prune(_ criteria: PruneCriteria) async throws -> PruneReport {
        try await access("prune") {
            try await withConnection { connection in
                // A dry run reports exactly what the same statements would remove, then undoes them.
                try await connection.transaction(logger: self.logger, rollingBack: criteria.dryRun) { connection in
                    try await self.prune(criteria, on: connection)
                }
            }
        }
    }

    /// Runs the removals `criteria` asks for on `connection`, inside its open transaction.
    private func prune(_ criteria: PruneCriteria, on connection: PostgresConnection) async throws -> PruneReport {
        var report = PruneReport(entries: 0, bytes: 0)
        for namespace in criteria.namespaces {
            guard let id = try await namespaceID(of: namespace) else { continue }
            try await remove("WHERE namespace_id = \(id)", on: connection, into: &report)
        }
        if let cutoff = criteria.unusedSince {
            try await remove("WHERE last_used < \(cutoff.storedMilliseconds)", on: connection, into: &report)
        }
        if let limit = criteria.maximumBytes {
            try await remove(
                """
                USING (
                    SELECT namespace_id, digest,
                        sum(size) OVER (ORDER BY last_used, namespace_id, digest) - size AS before
                    FROM embcache_entry
                ) AS ranked
                WHERE embcache_entry.namespace_id = ranked.namespace_id AND embcache_entry.digest = ranked.digest
                    AND ranked.before < (SELECT coalesce(sum(size), 0) FROM embcache_entry) - \(Int64(limit))
                """,
                on: connection,
                into: &report
            )
        }
        try await connection.query("DELETE FROM embcache_claim WHERE expires < clock_timestamp()", logger: logger)
        return report
    }

    /// Deletes the entries `condition` selects (a `USING` and `WHERE` clause) in one statement.
    private func remove(
        _ condition: PostgresQuery,
        on connection: PostgresConnection,
        into report: inout PruneReport
    ) async throws {
        let query = PostgresQuery(
            unsafeSQL: """
                WITH gone AS (DELETE FROM embcache_entry \(condition.sql) RETURNING embcache_entry.size)
                SELECT count(*), coalesce(sum(size), 0)::bigint FROM gone
                """,
            binds: condition.binds
        )
        for try await (entries, bytes) in try await connection.query(query, logger: logger).decode((Int, Int).self) {
            report.entries += entries
            report.bytes += bytes
        }
    }
}
