public import EmbeddingCache
internal import FoundationEssentials
internal import PostgresNIO

extension PostgresEmbeddingStore {
    /// Claims keys for this store instance in one statement on the `embcache_claim` table.
    ///
    /// A key is granted when it has no lease, its lease expired, or this instance holds it; a key
    /// whose record is stored is not granted, even one stored while the claim ran. Expiry uses the server's clock, so hosts with skewed
    /// clocks agree. Keys are claimed in digest order, so concurrent claims never deadlock.
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
    ) async throws
        -> [Bool]
    {
        guard !digests.isEmpty else { return [] }
        return try await access("claim keys in", namespace) {
            let namespaceID = try await createNamespaceID(of: namespace)
            let statement = ClaimKeys(
                namespaceID: namespaceID,
                holder: holder,
                milliseconds: max(1, duration.milliseconds),
                digests: Set(digests).sorted().map(\.buffer)
            )
            let granted = Set(try await rows(statement))
            guard !granted.isEmpty else { return digests.map { _ in false } }
            // The claim reads stored records in its statement's snapshot but meets other leases as
            // they are now: a key another host stored and released while the claim waited on its
            // lease is granted. A statement of its own sees that record; such keys are given up.
            let stored = try await rows(
                GiveUpStoredKeys(namespaceID: namespaceID, holder: holder, digests: granted.sorted().map(\.buffer))
            )
            let held = granted.subtracting(stored)
            return digests.map(held.contains)
        }
    }

    /// Releases leases this instance holds, in one statement.
    ///
    /// - Parameters:
    ///   - digests: The keys' digests; keys this instance does not hold are ignored.
    ///   - namespace: Their namespace.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be written.
    public func release(_ digests: [ContentDigest], in namespace: Namespace) async throws {
        guard !digests.isEmpty else { return }
        try await access("release keys in", namespace) {
            guard let namespaceID = try await namespaceID(of: namespace) else { return }
            let statement = ReleaseKeys(
                namespaceID: namespaceID,
                holder: holder,
                digests: Set(digests).sorted().map(\.buffer)
            )
            _ = try await rows(statement)
        }
    }
}

/// Takes or renews leases on the keys that are free, expired or already held, and not stored.
struct ClaimKeys: PostgresPreparedStatement {
    static let sql = """
        INSERT INTO embcache_claim (namespace_id, digest, holder, expires)
        SELECT $1, d, $2, clock_timestamp() + $3 * interval '1 millisecond'
        FROM unnest($4::bytea[]) WITH ORDINALITY AS t (d, position)
        WHERE NOT EXISTS (SELECT 1 FROM embcache_entry e WHERE e.namespace_id = $1 AND e.digest = t.d)
        ORDER BY position
        ON CONFLICT (namespace_id, digest) DO UPDATE SET holder = EXCLUDED.holder, expires = EXCLUDED.expires
        WHERE embcache_claim.expires < clock_timestamp() OR embcache_claim.holder = EXCLUDED.holder
        RETURNING digest
        """
    typealias Row = ContentDigest

    let namespaceID: Int32
    let holder: UUID
    let milliseconds: Int64
    let digests: [ByteBuffer]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(namespaceID)
        bindings.append(holder)
        bindings.append(milliseconds)
        bindings.append(digests)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try Self.digest(row) }

    /// The digest a row of a claim statement returns.
    static func digest(_ row: PostgresRow) throws -> ContentDigest {
        let bytes = try row.decode(ByteBuffer.self)
        guard let digest = ContentDigest(bytes: bytes.readableBytesView) else {
            throw EmbeddingCacheError(.storeFailed, "a claimed digest is not \(ContentDigest.byteCount) bytes long")
        }
        return digest
    }
}

/// Deletes the leases one holder holds on keys whose records are stored, and names those keys.
struct GiveUpStoredKeys: HeldKeysStatement {
    static let sql = """
        DELETE FROM embcache_claim c USING embcache_entry e
        WHERE c.namespace_id = $1 AND c.holder = $2 AND c.digest = ANY($3)
            AND e.namespace_id = c.namespace_id AND e.digest = c.digest
        RETURNING c.digest
        """
    typealias Row = ContentDigest

    let namespaceID: Int32
    let holder: UUID
    let digests: [ByteBuffer]

    func decodeRow(_ row: PostgresRow) throws -> Row { try ClaimKeys.digest(row) }
}

/// Deletes the leases one holder holds on some keys.
struct ReleaseKeys: HeldKeysStatement {
    static let sql = "DELETE FROM embcache_claim WHERE namespace_id = $1 AND holder = $2 AND digest = ANY($3)"
    typealias Row = Void

    let namespaceID: Int32
    let holder: UUID
    let digests: [ByteBuffer]

    func decodeRow(_ row: PostgresRow) throws -> Row {}
}

/// A statement on the leases one holder holds on some keys, bound as `$1` the namespace id, `$2`
/// the holder and `$3` the digests.
protocol HeldKeysStatement: PostgresPreparedStatement {
    var namespaceID: Int32 { get }
    var holder: UUID { get }
    var digests: [ByteBuffer] { get }
}

extension HeldKeysStatement {
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(namespaceID)
        bindings.append(holder)
        bindings.append(digests)
        return bindings
    }
}
