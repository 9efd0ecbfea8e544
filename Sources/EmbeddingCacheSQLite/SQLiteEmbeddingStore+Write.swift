public import EmbeddingCache
internal import FoundationEssentials
internal import GRDB

extension SQLiteEmbeddingStore {
    private typealias Columns = Schema.Entry.Columns

    private static let sideFileChecksumSQL = """
        SELECT \(Columns.checksum) FROM \(Schema.Entry.table)
        WHERE \(Columns.namespaceID) = ?1 AND \(Columns.digest) = ?2 AND \(Columns.payload) IS NULL
        """

    private static let upsertSQL = """
        INSERT INTO \(Schema.Entry.table) (\(Columns.namespaceID), \(Columns.digest), \(Columns.payload), \
        \(Columns.size), \(Columns.checksum), \(Columns.created), \(Columns.lastUsed))
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
        ON CONFLICT (\(Columns.namespaceID), \(Columns.digest)) DO UPDATE SET
            \(Columns.payload) = excluded.\(Columns.payload), \(Columns.size) = excluded.\(Columns.size),
            \(Columns.checksum) = excluded.\(Columns.checksum), \(Columns.created) = excluded.\(Columns.created),
            \(Columns.lastUsed) = excluded.\(Columns.lastUsed)
        """

    private static let deleteSQL = """
        DELETE FROM \(Schema.Entry.table) WHERE \(Columns.namespaceID) = ?1 AND \(Columns.digest) = ?2
        RETURNING \(Schema.Entry.inSideFile), \(Columns.checksum)
        """

    /// Stores many records in one write transaction, replacing records stored under the same keys.
    ///
    /// Payloads of at least ``Configuration/sideFileThreshold`` bytes are first written to side
    /// files (temporary file, `fsync`, rename, then an `fsync` of the folder), and only then does
    /// the transaction that references them commit. Inside the transaction, a file that a concurrent
    /// removal took away meanwhile is written again; side files of replaced records are moved aside
    /// in it and deleted after the commit. When a digest repeats in `entries`, the last one wins.
    ///
    /// - Parameters:
    ///   - entries: The records with their digests.
    ///   - namespace: Their namespace.
    /// - Throws: ``EmbeddingCacheError`` `.storeFull` when the disk is full, `.storeFailed`
    ///   otherwise; then no record of the batch is stored.
    public func put(_ entries: [StoreEntry], in namespace: Namespace) async throws {
        guard !entries.isEmpty else { return }
        var lastIndex = [ContentDigest: Int]()
        for (index, entry) in entries.enumerated() { lastIndex[entry.digest] = index }
        let unique = entries.indices.filter { lastIndex[entries[$0].digest] == $0 }.map { entries[$0] }
        let time = configuration.now().storedMilliseconds
        let threshold = configuration.sideFileThreshold
        try await access("write", namespace) {
            let namespaceID = try await createNamespaceID(of: namespace)
            let large = unique.filter { $0.record.payload.count >= threshold }
            for entry in large {
                try sideFiles.store(entry.record.payload, as: Self.sideFileName(of: entry, namespaceID))
            }
            if !large.isEmpty { try sideFiles.syncDirectory() }
            let sideFiles = self.sideFiles
            try await writeRemovingSideFiles { db in
                // A prune, clear or repair may have removed a file of ours between its write and
                // this transaction: put it back before the row that references it commits.
                var restored = false
                for entry in large {
                    let name = Self.sideFileName(of: entry, namespaceID)
                    restored = try sideFiles.restoreIfMissing(entry.record.payload, as: name) || restored
                }
                if restored { try sideFiles.syncDirectory() }
                let replaced = try Self.upsert(unique, namespaceID: namespaceID, time: time, threshold: threshold, db)
                try Self.endLeases(of: unique, namespaceID: namespaceID, db)
                return ((), replaced)
            }
        }
    }

    /// Upserts `entries` and returns the side files that no row references any more.
    private static func upsert(
        _ entries: [StoreEntry],
        namespaceID: Int64,
        time: Int64,
        threshold: Int,
        _ db: Database
    ) throws -> [String] {
        let previous = try RawStatement(db, sql: sideFileChecksumSQL)
        let upsert = try RawStatement(db, sql: upsertSQL)
        previous.bind(namespaceID, at: 1)
        upsert.bind(namespaceID, at: 1)
        upsert.bind(time, at: 6)
        var replaced = [String]()
        for entry in entries {
            let sideFile = entry.record.payload.count >= threshold ? sideFileName(of: entry, namespaceID) : nil
            try previous.with(entry.digest, at: 2) {
                defer { previous.reset() }
                guard try previous.step() else { return }
                let old = SideFiles.name(
                    namespaceID: namespaceID,
                    digest: entry.digest,
                    checksum: UInt32(truncatingIfNeeded: previous.int64(at: 0))
                )
                if old != sideFile { replaced.append(old) }
            }
            try entry.digest.withUnsafeBytes { digest in
                try entry.record.payload.withUnsafeBytes { payload in
                    upsert.bind(borrowing: digest, at: 2)
                    if sideFile == nil { upsert.bind(borrowing: payload, at: 3) } else { upsert.bindNull(at: 3) }
                    upsert.bind(Int64(payload.count), at: 4)
                    upsert.bind(Int64(entry.record.checksum), at: 5)
                    try upsert.run()
                }
            }
        }
        return replaced
    }

    /// Removes records, and the side files of those kept outside the database (moved aside in the
    /// transaction, deleted after it commits).
    ///
    /// - Parameters:
    ///   - digests: The digests to remove; absent ones are ignored.
    ///   - namespace: Their namespace.
    /// - Returns: The number of records removed.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be written.
    public func delete(_ digests: [ContentDigest], in namespace: Namespace) async throws -> Int {
        guard !digests.isEmpty else { return 0 }
        return try await access("delete from", namespace) {
            try await writeRemovingSideFiles { db -> (value: Int, sideFiles: [String]) in
                guard let namespaceID = try self.namespaceID(of: namespace, db) else { return (0, []) }
                let statement = try RawStatement(db, sql: Self.deleteSQL)
                statement.bind(namespaceID, at: 1)
                var count = 0
                var sideFiles = [String]()
                for digest in digests {
                    try statement.with(digest, at: 2) {
                        defer { statement.reset() }
                        while try statement.step() {
                            count += 1
                            guard statement.int64(at: 0) != 0 else { continue }
                            let checksum = UInt32(truncatingIfNeeded: statement.int64(at: 1))
                            sideFiles.append(
                                SideFiles.name(namespaceID: namespaceID, digest: digest, checksum: checksum)
                            )
                        }
                    }
                }
                return (count, sideFiles)
            }
        }
    }

    private static func sideFileName(of entry: StoreEntry, _ namespaceID: Int64) -> String {
        SideFiles.name(namespaceID: namespaceID, digest: entry.digest, checksum: entry.record.checksum)
    }
}
