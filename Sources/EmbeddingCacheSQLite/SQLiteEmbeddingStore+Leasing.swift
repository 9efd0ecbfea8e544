public import EmbeddingCache
internal import FoundationEssentials
internal import GRDB

extension SQLiteEmbeddingStore {
    private typealias Claim = Schema.Claim.Columns

    /// Takes or renews the lease on one key when it is free, already this holder's, or held by a
    /// process of this host that died, and its record is not stored; returns a row when it did:
    /// `?1` namespace id, `?2` digest, `?3` holder, `?4` expiry, `?5` host, `?6` process id.
    /// Expired leases are deleted first (``deleteExpiredSQL``), so they count as free.
    private static let claimSQL = """
        INSERT INTO \(Schema.Claim.table) (\(Claim.namespaceID), \(Claim.digest), \(Claim.holder), \(Claim.expires), \
        \(Claim.host), \(Claim.pid))
        SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (
            SELECT 1 FROM \(Schema.Entry.table)
            WHERE \(Schema.Entry.Columns.namespaceID) = ?1 AND \(Schema.Entry.Columns.digest) = ?2
        )
        ON CONFLICT (\(Claim.namespaceID), \(Claim.digest)) DO UPDATE SET
            \(Claim.holder) = excluded.\(Claim.holder), \(Claim.expires) = excluded.\(Claim.expires),
            \(Claim.host) = excluded.\(Claim.host), \(Claim.pid) = excluded.\(Claim.pid)
        WHERE \(Claim.holder) = excluded.\(Claim.holder)
            OR (\(Claim.host) = excluded.\(Claim.host) AND NOT \(LeaseHolder.processAlive.name)(\(Claim.pid)))
        RETURNING 1
        """

    /// Deletes leases that ended, so keys whose holder died and nobody asked for again leave no row.
    private static let deleteExpiredSQL = "DELETE FROM \(Schema.Claim.table) WHERE \(Claim.expires) <= ?1"

    /// Deletes this holder's lease on one key: `?1` namespace id, `?2` digest, `?3` holder.
    private static let releaseSQL = """
        DELETE FROM \(Schema.Claim.table)
        WHERE \(Claim.namespaceID) = ?1 AND \(Claim.digest) = ?2 AND \(Claim.holder) = ?3
        """

    /// Deletes the lease on one key, whoever holds it: `?1` namespace id, `?2` digest.
    private static let endLeaseSQL = """
        DELETE FROM \(Schema.Claim.table) WHERE \(Claim.namespaceID) = ?1 AND \(Claim.digest) = ?2
        """

    /// Claims keys for this store instance, in one write transaction on the `claim` table.
    ///
    /// A key is granted when it has no lease, its lease expired (its holder died or gave up), or
    /// this instance holds it (which renews it), or its holder's process died on this host; a key
    /// whose record is stored is not granted.
    /// Processes sharing the file therefore encode each missed key once; ``put(_:in:)`` ends the
    /// leases of the keys it stores. Expiry uses ``Configuration/now``, read under the write lock.
    ///
    /// - Parameters:
    ///   - digests: The keys' digests, possibly repeated.
    ///   - namespace: Their namespace, created when new.
    ///   - duration: How long the leases last unless released.
    /// - Returns: One element per digest, in order: whether this instance now holds it.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be written.
    public func claim(
        _ digests: [ContentDigest],
        in namespace: Namespace,
        for duration: Duration
    ) async throws -> [Bool] {
        guard !digests.isEmpty else { return [] }
        let keys = Set(digests).sorted()
        let granted = try await access("claim keys in", namespace) {
            let namespaceID = try await createNamespaceID(of: namespace)
            return try await pool.write { db -> Set<ContentDigest> in
                // Read before the lock, the time would make a lease that waited for it shorter,
                // or end it before it is written.
                let now = self.configuration.now().storedMilliseconds
                let (sum, overflow) = now.addingReportingOverflow(max(1, duration.milliseconds))
                let deleteExpired = try RawStatement(db, sql: Self.deleteExpiredSQL)
                deleteExpired.bind(now, at: 1)
                try deleteExpired.run()
                db.add(function: LeaseHolder.processAlive)
                let claim = try RawStatement(db, sql: Self.claimSQL)
                let holder = self.leaseHolder
                claim.bind(namespaceID, at: 1)
                claim.bind(overflow ? .max : sum, at: 4)
                claim.bind(holder.host, at: 5)
                claim.bind(holder.pid, at: 6)
                return try holder.id.withUnsafeBytes { holder in
                    claim.bind(borrowing: holder, at: 3)
                    defer { claim.reset() }
                    var granted = Set<ContentDigest>()
                    for digest in keys {
                        let taken = try claim.with(digest, at: 2) {
                            defer { claim.reset() }
                            return try claim.step()
                        }
                        if taken { granted.insert(digest) }
                    }
                    return granted
                }
            }
        }
        return digests.map(granted.contains)
    }

    /// Releases leases this instance holds, in one write transaction.
    ///
    /// - Parameters:
    ///   - digests: The keys' digests; keys this instance does not hold are ignored.
    ///   - namespace: Their namespace.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be written.
    public func release(_ digests: [ContentDigest], in namespace: Namespace) async throws {
        guard !digests.isEmpty else { return }
        try await access("release keys in", namespace) {
            try await pool.write { db in
                guard let namespaceID = try self.namespaceID(of: namespace, db) else { return }
                let release = try RawStatement(db, sql: Self.releaseSQL)
                release.bind(namespaceID, at: 1)
                try self.leaseHolder.id.withUnsafeBytes { holder in
                    release.bind(borrowing: holder, at: 3)
                    defer { release.reset() }
                    for digest in Set(digests) { try release.with(digest, at: 2) { try release.run() } }
                }
            }
        }
    }

    /// Ends every lease on keys just stored, whoever holds them; runs inside ``put(_:in:)``'s
    /// transaction.
    static func endLeases(of entries: [StoreEntry], namespaceID: Int64, _ db: Database) throws {
        let endLease = try RawStatement(db, sql: endLeaseSQL)
        endLease.bind(namespaceID, at: 1)
        for entry in entries { try endLease.with(entry.digest, at: 2) { try endLease.run() } }
    }
}
