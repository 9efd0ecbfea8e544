public import EmbeddingCache
internal import GRDB

extension SQLiteEmbeddingStore {
    private typealias Columns = Schema.Entry.Columns

    /// `?2` is the digest to start after; an empty blob sorts before every 32-byte digest.
    private static let scanSQL = """
        SELECT \(Columns.digest), \(Columns.payload), \(Columns.checksum) FROM \(Schema.Entry.table)
        WHERE \(Columns.namespaceID) = ?1 AND \(Columns.digest) > ?2
        ORDER BY \(Columns.digest) LIMIT ?3
        """

    /// Reads one page of a namespace in digest order, in one read transaction.
    ///
    /// Side-file payloads are memory-mapped as lookups map them, and a missing or short side file
    /// reads as the bytes that are there, so a caller verifying checksums sees it as corrupt. Last-use
    /// times are not updated.
    ///
    /// - Parameters:
    ///   - namespace: The namespace to read; an unknown one has no records.
    ///   - after: Return only digests greater than this one; `nil` to start at the first.
    ///   - limit: The most records to return.
    /// - Returns: Up to `limit` entries, sorted by digest.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be read, for
    ///   example when the file is damaged (`SQLITE_CORRUPT`).
    /// - Complexity: One range scan of the key index, O(limit + log n).
    public func entries(in namespace: Namespace, after: ContentDigest?, limit: Int) async throws -> [StoreEntry] {
        guard limit > 0 else { return [] }
        return try await access("scan", namespace) {
            try await pool.read { db in
                guard let namespaceID = try self.namespaceID(of: namespace, db) else { return [] }
                let statement = try RawStatement(db, sql: Self.scanSQL)
                defer { statement.reset() }
                statement.bind(namespaceID, at: 1)
                statement.bind(Int64(limit), at: 3)
                let scan = { () throws -> [StoreEntry] in
                    var entries = [StoreEntry]()
                    while try statement.step() {
                        guard let digest = statement.digest(at: 0) else { continue }
                        let checksum = UInt32(truncatingIfNeeded: statement.int64(at: 2))
                        let payload =
                            statement.type(at: 1) == .null
                            ? self.sideFiles.read(
                                SideFiles.name(namespaceID: namespaceID, digest: digest, checksum: checksum)
                            )
                            : statement.data(at: 1)
                        entries.append(
                            StoreEntry(digest: digest, record: StoredRecord(payload: payload, checksum: checksum))
                        )
                    }
                    return entries
                }
                guard let after else {
                    statement.bind(borrowing: UnsafeRawBufferPointer(start: nil, count: 0), at: 2)
                    return try scan()
                }
                return try statement.with(after, at: 2, scan)
            }
        }
    }
}
