public import EmbeddingCache
internal import FoundationEssentials
internal import PostgresNIO

extension PostgresEmbeddingStore {
    /// Claims keys for this store instance in one statement on the `embcache_claim` table.
    ///
    /// A key is granted when it has no lease, its lease expired, or this instance holds it; a key
    /// whose record is stored is not granted. Expiry uses the server's clock, so hosts with skewed
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
            return digests.map(granted.contains)
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

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let bytes = try row.decode(ByteBuffer.self)
        guard let digest = ContentDigest(bytes: bytes.readableBytesView) else {
            throw EmbeddingCacheError(.storeFailed, "a claimed digest is not \(ContentDigest.byteCount) bytes long")
        }
        return digest
    }
}

/// Deletes the leases one holder holds on some keys.
struct ReleaseKeys: PostgresPreparedStatement {
    static let sql = "DELETE FROM embcache_claim WHERE namespace_id = $1 AND holder = $2 AND digest = ANY($3)"
    typealias Row = Void

    let namespaceID: Int32
    let holder: UUID
    let digests: [ByteBuffer]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(namespaceID)
        bindings.append(holder)
        bindings.append(digests)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {}
}
