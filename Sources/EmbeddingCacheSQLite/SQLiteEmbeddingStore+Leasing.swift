public import EmbeddingCache
internal import FoundationEssentials
internal import GRDB

extension SQLiteEmbeddingStore {
    private typealias Claim = Schema.Claim.Columns

    private static let storedSQL = """
        SELECT 1 FROM \(Schema.Entry.table)
        WHERE \(Schema.Entry.Columns.namespaceID) = ? AND \(Schema.Entry.Columns.digest) = ?
        """
    private static let heldSQL = """
        SELECT 1 FROM \(Schema.Claim.table)
        WHERE \(Claim.namespaceID) = ? AND \(Claim.digest) = ? AND \(Claim.holder) <> ? AND \(Claim.expires) > ?
        """
    private static let takeSQL = """
        INSERT OR REPLACE INTO \(Schema.Claim.table) (\(Claim.namespaceID), \(Claim.digest), \(Claim.holder), \
        \(Claim.expires)) VALUES (?, ?, ?, ?)
        """
    private static let releaseSQL = """
        DELETE FROM \(Schema.Claim.table) WHERE \(Claim.namespaceID) = ? AND \(Claim.digest) = ? AND \(Claim.holder) = ?
        """

    /// Claims keys for this store instance, in one write transaction on the `claim` table.
    ///
    /// A key is granted when it has no lease, its lease expired (its holder died or gave up), or
    /// this instance holds it (which renews it); a key whose record is stored is not granted.
    /// Processes sharing the file therefore encode each missed key once; ``put(_:in:)`` ends the
    /// leases of the keys it stores. Expiry uses ``Configuration/now``.
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
        let now = configuration.now().storedMilliseconds
        let expires = now + max(1, Int64(duration / .milliseconds(1)))
        let holder = leaseHolder
        let granted = try await access("claim keys in", namespace) {
            let namespaceID = try await createNamespaceID(of: namespace)
            return try await pool.write { db -> Set<ContentDigest> in
                var granted = Set<ContentDigest>()
                for digest in Set(digests).sorted() {
                    let key = Data(digest.bytes)
                    let taken =
                        try Bool.fetchOne(db, sql: Self.storedSQL, arguments: [namespaceID, key]) != nil
                        || Bool.fetchOne(db, sql: Self.heldSQL, arguments: [namespaceID, key, holder, now]) != nil
                    guard !taken else { continue }
                    try db.execute(sql: Self.takeSQL, arguments: [namespaceID, key, holder, expires])
                    granted.insert(digest)
                }
                return granted
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
        let holder = leaseHolder
        try await access("release keys in", namespace) {
            try await pool.write { db in
                guard let namespaceID = try self.namespaceID(of: namespace, db) else { return }
                for digest in Set(digests) {
                    try db.execute(sql: Self.releaseSQL, arguments: [namespaceID, Data(digest.bytes), holder])
                }
            }
        }
    }

    /// Ends every lease on keys just stored; runs inside ``put(_:in:)``'s transaction.
    static func endLeases(of entries: [StoreEntry], namespaceID: Int64, _ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: "DELETE FROM \(Schema.Claim.table) WHERE \(Claim.namespaceID) = ? AND \(Claim.digest) = ?"
        )
        for entry in entries { try statement.execute(arguments: [namespaceID, Data(entry.digest.bytes)]) }
    }
}
