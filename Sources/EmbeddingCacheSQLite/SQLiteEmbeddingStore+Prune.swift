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
    /// of removed entries are deleted after each batch commits. Last-use times are as coarse as
    /// ``Configuration/touchInterval``. Under ``PruneCriteria/dryRun`` the same deletions run in
    /// one write transaction that is rolled back, so the report is exact and nothing changes.
    ///
    /// - Parameter criteria: What to remove; criteria combine.
    /// - Returns: The entries and payload bytes removed, or that would be.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be written; entries
    ///   removed by batches that committed before the failure stay removed.
    public func prune(_ criteria: PruneCriteria) async throws -> PruneReport {
        try await access("prune") {
            let victims = try await pool.read { db in try self.victims(of: criteria, db) }
            if criteria.dryRun {
                return try await pool.writeWithoutTransaction { db in
                    var report = PruneReport(entries: 0, bytes: 0)
                    try db.inTransaction {
                        for set in victims {
                            var batch: Batch
                            repeat {
                                batch = try Self.removeBatch(of: set, db)
                                report.add(batch)
                            } while batch.entries > 0
                        }
                        return .rollback
                    }
                    return report
                }
            }
            var report = PruneReport(entries: 0, bytes: 0)
            for set in victims {
                var batch: Batch
                repeat {
                    batch = try await pool.write { db in try Self.removeBatch(of: set, db) }
                    sideFiles.remove(batch.sideFiles)
                    report.add(batch)
                } while batch.entries > 0
            }
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
