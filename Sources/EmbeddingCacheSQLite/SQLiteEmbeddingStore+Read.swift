public import EmbeddingCache
internal import FoundationEssentials
internal import GRDB
internal import Synchronization

extension SQLiteEmbeddingStore {
    private typealias Columns = Schema.Entry.Columns

    // Column 1 is the payload when it is inline and below `PayloadBlobReader.threshold` bytes; its
    // length, an integer, when it is inline and larger (reading it would make SQLite copy it when
    // the row is stepped, so it is read through a blob handle instead); NULL when it lives in a side
    // file. One expression rather than a separate side-file column: SQLite evaluates it only as far
    // as the row needs, and warm lookups measured faster than with both (docs/benchmarks.md).
    static let lookupSQL = """
        SELECT rowid,
            CASE WHEN \(Columns.size) < \(PayloadBlobReader.threshold) THEN \(Columns.payload)
            ELSE length(\(Columns.payload)) END,
            \(Columns.checksum), \(Columns.lastUsed)
        FROM \(Schema.Entry.table) WHERE \(Columns.namespaceID) = ?1 AND \(Columns.digest) = ?2
        """

    private static let touchSQL = """
        UPDATE \(Schema.Entry.table) SET \(Columns.lastUsed) = ?1 WHERE rowid = ?2 AND \(Columns.lastUsed) < ?3
        """

    /// Looks up many keys in one read transaction, or for a large batch, one per core at once.
    ///
    /// Inline payloads are copied out of SQLite once (large ones through a blob handle, straight
    /// from the database pages into the record's buffer); side-file payloads are memory-mapped and
    /// shared, not copied. A side file that is missing or short is returned as the bytes that are
    /// there (possibly none), so the cache's checksum fails and counts the entry corrupt rather
    /// than serving it or hiding it as a miss.
    ///
    /// Afterwards, found entries whose recorded last use is older than
    /// ``Configuration/touchInterval`` get the current time in one write transaction (see
    /// ``recordPendingUses()``); a warm re-read within the interval writes nothing.
    ///
    /// - Parameters:
    ///   - digests: The content digests, possibly repeated.
    ///   - namespace: Their namespace; an unknown one yields all `nil`.
    /// - Returns: One element per digest, in order: the stored record, or `nil` when absent.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be read.
    /// - Complexity: One index lookup per digest, a few microseconds each with memory mapping.
    ///   Batches of ``EmbeddingCache/LookupSplit/threshold`` keys or more are split across the
    ///   cores, one read transaction per part.
    public func records(for digests: [ContentDigest], in namespace: Namespace) async throws -> [StoredRecord?] {
        // Below the split's threshold, no list of parts is made: a single key allocates nothing here.
        let parts =
            digests.count < LookupSplit.threshold
            ? [] : LookupSplit.parts(count: digests.count, concurrency: Self.cores)
        guard parts.count > 1 else {
            let records = try recordsSynchronously(for: digests, in: namespace)
            // A warm re-read within the touch interval has nothing to write, and makes no call.
            if pendingUses.withLock({ !$0.isEmpty }) { await recordPendingUses() }
            return records
        }
        let records = try await withThrowingTaskGroup(of: (Int, [StoredRecord?]).self) { group in
            for range in parts {
                let part = Array(digests[range])
                group.addTask { (range.lowerBound, try self.recordsSynchronously(for: part, in: namespace)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
        await recordPendingUses()
        return records
    }

    /// Looks up many keys in one read transaction on the calling thread, on a read-only
    /// connection no other caller is using, so it never waits for another lookup or a write.
    ///
    /// Found entries whose recorded last use is older than ``Configuration/touchInterval`` are
    /// remembered for ``recordPendingUses()``. See ``records(for:in:)``.
    ///
    /// - Parameters:
    ///   - digests: The content digests, possibly repeated.
    ///   - namespace: Their namespace; an unknown one yields all `nil`.
    /// - Returns: One element per digest, in order: the stored record, or `nil` when absent.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be read.
    public func recordsSynchronously(for digests: [ContentDigest], in namespace: Namespace) throws -> [StoredRecord?] {
        guard !digests.isEmpty else { return [] }
        let staleBefore = configuration.now().storedMilliseconds - configuration.touchIntervalMilliseconds
        let found: LookupResult
        do {
            found = try lookupConnections.read { connection in
                try lookUp(digests, in: namespace, staleBefore: staleBefore, connection)
            }
        } catch {
            throw EmbeddingCacheError.store(error, path: path, while: "read", namespace: namespace)
        }
        if !found.stale.isEmpty { pendingUses.withLock { $0.formUnion(found.stale) } }
        return found.records
    }

    /// Gives the entries that lookups found with an old last use the current time, in one write
    /// transaction; nothing is written when there are none.
    ///
    /// That bookkeeping is best effort: if it fails (a busy or read-only file), the entries are
    /// dropped from the list and a later read finds them old again and retries.
    public func recordPendingUses() async {
        let rowids = pendingUses.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        guard !rowids.isEmpty else { return }
        let now = configuration.now().storedMilliseconds
        let staleBefore = now - configuration.touchIntervalMilliseconds
        _ = try? await pool.write { db in try Self.touch(rowids, at: now, staleBefore: staleBefore, db) }
    }

    private static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// What one read transaction found, and which entries need a new last-use time.
    private struct LookupResult: Sendable {
        var records: [StoredRecord?]
        var stale: Set<Int64>
    }

    /// Looks `digests` up on `connection`: one key in the statement's own read transaction, more
    /// in one transaction around them all, so that every key of a batch sees the same snapshot.
    private func lookUp(
        _ digests: [ContentDigest],
        in namespace: Namespace,
        staleBefore: Int64,
        _ connection: LookupConnection
    ) throws -> LookupResult {
        guard let namespaceID = try connection.namespaceID(of: namespace, self.namespaceID(of:_:)) else {
            return LookupResult(records: Array(repeating: nil, count: digests.count), stale: [])
        }
        var result = LookupResult(records: [], stale: [])
        result.records.reserveCapacity(digests.count)
        // Opened at the first large inline payload, and closed (ending the statement's read
        // transaction when it has no other) when this returns.
        var blobs: PayloadBlobReader?
        func lookUpEach() throws {
            for digest in digests {
                try result.records.append(
                    record(
                        digest,
                        namespaceID: namespaceID,
                        staleBefore: staleBefore,
                        connection,
                        &blobs,
                        &result.stale
                    )
                )
            }
        }
        if digests.count == 1 { try lookUpEach() } else { try connection.inTransaction(lookUpEach) }
        return result
    }

    /// The record of one key, found by the connection's lookup statement, which is reset when this
    /// returns; the entry's rowid goes into `stale` when its last use is older than `staleBefore`.
    private func record(
        _ digest: ContentDigest,
        namespaceID: Int64,
        staleBefore: Int64,
        _ connection: LookupConnection,
        _ blobs: inout PayloadBlobReader?,
        _ stale: inout Set<Int64>
    ) throws -> StoredRecord? {
        let statement = connection.lookup
        statement.bind(namespaceID, at: 1)
        return try statement.with(digest, at: 2) { () throws -> StoredRecord? in
            defer { statement.reset() }
            guard try statement.step() else { return nil }
            let checksum = UInt32(truncatingIfNeeded: statement.int64(at: 2))
            if statement.int64(at: 3) < staleBefore { stale.insert(statement.int64(at: 0)) }
            switch statement.type(at: 1) {
            case .null:
                let name = SideFiles.name(namespaceID: namespaceID, digest: digest, checksum: checksum)
                return StoredRecord(payload: sideFiles.read(name), checksum: checksum)
            case .integer:
                let reader = blobs ?? PayloadBlobReader(connection.handle)
                blobs = reader
                return StoredRecord(payload: try reader.payload(ofRow: statement.int64(at: 0)), checksum: checksum)
            default:
                return StoredRecord(payload: statement.data(at: 1), checksum: checksum)
            }
        }
    }

    private static func touch(_ rowids: Set<Int64>, at now: Int64, staleBefore: Int64, _ db: Database) throws {
        let statement = try RawStatement(db, sql: touchSQL)
        statement.bind(now, at: 1)
        statement.bind(staleBefore, at: 3)
        for rowid in rowids {
            statement.bind(rowid, at: 2)
            try statement.run()
        }
    }
}
