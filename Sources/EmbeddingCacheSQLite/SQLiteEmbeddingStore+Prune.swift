public import EmbeddingCache
internal import GRDB

extension SQLiteEmbeddingStore {
    private typealias Columns = Schema.Entry.Columns

    /// Rows deleted per write transaction, so other writers get a turn during a long prune.
    private static let pruneBatchSize: Int64 = 10_000

    /// A set of rows to delete, as SQL selecting at most `?2` rowids from `entry`.
    private struct Victims {
        let sql: String
        let parameter: Int64

        /// Every entry of a namespace.
        static func namespace(_ id: Int64) -> Victims {
            Victims(
                sql: "SELECT rowid FROM \(Schema.Entry.table) WHERE \(Columns.namespaceID) = ?1 LIMIT ?2",
                parameter: id
            )
        }

        /// Entries last used before a time in milliseconds.
        static func unused(before time: Int64) -> Victims {
            Victims(
                sql: "SELECT rowid FROM \(Schema.Entry.table) WHERE \(Columns.lastUsed) < ?1 LIMIT ?2",
                parameter: time
            )
        }

        /// The least recently used entries whose removal brings the payload bytes down to a limit.
        ///
        /// Among the `?2` least recently used entries, those whose running total of sizes, before
        /// them, is still below the excess over the limit.
        static func leastRecentlyUsed(above limit: Int64) -> Victims {
            Victims(
                sql: """
                    SELECT rowid FROM (
                        SELECT rowid, \(Columns.size) AS size,
                            sum(\(Columns.size)) OVER (ORDER BY \(Columns.lastUsed), rowid) AS running
                        FROM (
                            SELECT rowid, \(Columns.size), \(Columns.lastUsed)
                            FROM \(Schema.Entry.table) INDEXED BY \(Schema.Entry.lastUsedIndex)
                            ORDER BY \(Columns.lastUsed), rowid LIMIT ?2
                        )
                    )
                    WHERE running - size < (SELECT total(\(Columns.size)) FROM \(Schema.Entry.table)) - ?1
                    """,
                parameter: limit
            )
        }
    }

    /// Removes entries by namespace, then by age, then least recently used first down to a size.
    ///
    /// Each criterion deletes in SQL, in batches of 10 000 rows per write transaction; side files
    /// of removed entries are moved aside in each batch's transaction and deleted after it commits. Last-use times are as coarse as
    /// ``Configuration/touchInterval``. Under ``PruneCriteria/dryRun`` the same choice is made in
    /// one read transaction, so the report is exact, nothing changes and writers are not held up.
    /// Otherwise, side files no row references are swept afterwards (``sweepOrphans()``).
    ///
    /// - Parameter criteria: What to remove; criteria combine.
    /// - Returns: The entries and payload bytes removed, or that would be.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be written; entries
    ///   removed by batches that committed before the failure stay removed.
    public func prune(_ criteria: PruneCriteria) async throws -> PruneReport {
        try await access("prune") {
            if criteria.dryRun { return try await pool.read { db in try Self.dryRun(criteria, self, db) } }
            let victims = try await pool.read { db in try self.victims(of: criteria, db) }
            var report = PruneReport(entries: 0, bytes: 0)
            for set in victims {
                var batch: Batch
                repeat {
                    batch = try await writeRemovingSideFiles { db in
                        let batch = try Self.removeBatch(of: set, db)
                        return (batch, batch.sideFiles)
                    }
                    report.add(batch)
                } while batch.entries > 0
            }
            _ = try await sweepOrphans()
            return report
        }
    }

    /// The row sets `criteria` removes, in order: namespaces, then age, then size.
    private func victims(of criteria: PruneCriteria, _ db: Database) throws -> [Victims] {
        var victims = try criteria.namespaces.compactMap { try namespaceID(of: $0, db) }.map(Victims.namespace)
        if let cutoff = criteria.unusedSince { victims.append(.unused(before: cutoff.storedMilliseconds)) }
        if let limit = criteria.maximumBytes { victims.append(.leastRecentlyUsed(above: Int64(limit))) }
        return victims
    }

    /// What one batch removed: entries, payload bytes, and the side files no row references now.
    private typealias Batch = (entries: Int, bytes: Int, sideFiles: [String])

    /// Deletes one batch of `victims`.
    private static func removeBatch(of victims: Victims, _ db: Database) throws -> Batch {
        let sql = """
            DELETE FROM \(Schema.Entry.table) WHERE rowid IN (\(victims.sql))
            RETURNING \(Columns.size), \(Columns.namespaceID), \(Columns.digest), \(Columns.checksum), \
            \(Schema.Entry.inSideFile)
            """
        let statement = try RawStatement(db, sql: sql)
        statement.bind(victims.parameter, at: 1)
        statement.bind(pruneBatchSize, at: 2)
        var batch: Batch = (entries: 0, bytes: 0, sideFiles: [])
        while try statement.step() {
            batch.entries += 1
            batch.bytes += Int(statement.int64(at: 0))
            guard statement.int64(at: 4) != 0, let digest = statement.digest(at: 2) else { continue }
            let checksum = UInt32(truncatingIfNeeded: statement.int64(at: 3))
            batch.sideFiles.append(
                SideFiles.name(namespaceID: statement.int64(at: 1), digest: digest, checksum: checksum)
            )
        }
        statement.reset()
        return batch
    }
}

extension PruneReport {
    /// Counts a removed batch.
    fileprivate mutating func add(_ batch: (entries: Int, bytes: Int, sideFiles: [String])) {
        entries += batch.entries
        bytes += batch.bytes
    }
}

extension SQLiteEmbeddingStore {
    /// What ``prune(_:)`` would remove, chosen as it chooses (namespaces, then age, then the least
    /// recently used down to the size limit) but only read.
    fileprivate static func dryRun(
        _ criteria: PruneCriteria,
        _ store: SQLiteEmbeddingStore,
        _ db: Database
    ) throws -> PruneReport {
        typealias Columns = Schema.Entry.Columns
        let table = Schema.Entry.table
        var chosen = Set<Int64>()
        var report = PruneReport(entries: 0, bytes: 0)
        func choose(_ sql: String, _ arguments: StatementArguments, until done: (Int) -> Bool = { _ in false }) throws {
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                let (rowid, size): (Int64, Int) = (row[0], row[1])
                guard !chosen.contains(rowid) else { continue }
                if done(report.bytes) { return }
                chosen.insert(rowid)
                report.entries += 1
                report.bytes += size
            }
        }
        for id in try criteria.namespaces.compactMap({ try store.namespaceID(of: $0, db) }) {
            try choose("SELECT rowid, \(Columns.size) FROM \(table) WHERE \(Columns.namespaceID) = ?", [id])
        }
        if let cutoff = criteria.unusedSince {
            try choose(
                "SELECT rowid, \(Columns.size) FROM \(table) WHERE \(Columns.lastUsed) < ?",
                [cutoff.storedMilliseconds]
            )
        }
        if let limit = criteria.maximumBytes {
            let total = try Int.fetchOne(db, sql: "SELECT CAST(total(\(Columns.size)) AS INTEGER) FROM \(table)") ?? 0
            try choose(
                """
                SELECT rowid, \(Columns.size) FROM \(table) INDEXED BY \(Schema.Entry.lastUsedIndex)
                ORDER BY \(Columns.lastUsed), rowid
                """,
                [],
                until: { removed in total - removed <= limit }
            )
        }
        return report
    }
}
