public import EmbeddingCache
internal import PostgresNIO

extension PostgresEmbeddingStore {
    /// Returns one page of a namespace's entries in ascending digest order; see
    /// ``EmbeddingStore/entries(in:after:limit:)``.
    ///
    /// `bytea` compares bytewise, as ``ContentDigest`` orders, so paging by the last digest of each
    /// page visits every entry once. Reading a page does not count as a use for pruning.
    ///
    /// - Parameters:
    ///   - namespace: The namespace to page through.
    ///   - after: The last digest of the previous page, or `nil` for the first page.
    ///   - limit: The most entries to return.
    /// - Returns: Up to `limit` entries with digests above `after`, unverified.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be read.
    public func entries(in namespace: Namespace, after: ContentDigest?, limit: Int) async throws -> [StoreEntry] {
        guard limit > 0 else { return [] }
        return try await access("scan", namespace) {
            guard let namespaceID = try await namespaceID(of: namespace) else { return [] }
            let page = ScanEntries(
                namespaceID: namespaceID,
                after: after?.buffer ?? ByteBuffer(),
                limit: Int64(limit)
            )
            return try await rows(page).map { StoreEntry(digest: $0.0, record: $0.1) }
        }
    }
}

/// Selects the next page of one namespace's entries after a digest.
struct ScanEntries: PostgresPreparedStatement {
    static let sql = """
        SELECT digest, payload, checksum, last_used FROM embcache_entry
        WHERE namespace_id = $1 AND digest > $2 ORDER BY digest LIMIT $3
        """
    typealias Row = (ContentDigest, StoredRecord, Int64)

    let namespaceID: Int32
    let after: ByteBuffer
    let limit: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(namespaceID)
        bindings.append(after)
        bindings.append(limit)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try Self.decodeEntry(row)
    }
}
