public import EmbeddingCache
internal import FoundationEssentials
internal import GRDB

extension SQLiteEmbeddingStore {
    private typealias Columns = Schema.Entry.Columns

    /// Column 1 says whether the payload lives in a side file; column 2 whether the inline payload
    /// has the bytes of `?3` (as a blob: a damaged row may hold them as text, which scans return).
    private static let storedSQL = """
        SELECT rowid, \(Schema.Entry.inSideFile), CAST(\(Columns.payload) AS BLOB) = ?3 FROM \(Schema.Entry.table)
        WHERE \(Columns.namespaceID) = ?1 AND \(Columns.digest) = ?2 AND \(Columns.checksum) = ?4
        """

    /// Removes the records still stored exactly as given, comparing and deleting in one write
    /// transaction; see ``EmbeddingStore/deleteIfUnchanged(_:in:)``.
    ///
    /// An inline payload is compared in the database; a side file's bytes are read and compared
    /// inside the transaction, so a writer that has stored new content under the key (its file
    /// first, then its row) keeps it. Side files of removed records are moved aside in the transaction and deleted after it commits.
    ///
    /// - Parameters:
    ///   - entries: The records as they were read.
    ///   - namespace: Their namespace.
    /// - Returns: The number of records removed.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be written.
    public func deleteIfUnchanged(_ entries: [StoreEntry], in namespace: Namespace) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        return try await access("delete from", namespace) {
            try await writeRemovingSideFiles { db -> (value: Int, sideFiles: [String]) in
                guard let namespaceID = try self.namespaceID(of: namespace, db) else { return (0, []) }
                var (count, removedFiles) = (0, [String]())
                for entry in entries {
                    let arguments: StatementArguments = [
                        namespaceID, Data(entry.digest.bytes), entry.record.payload, Int64(entry.record.checksum),
                    ]
                    guard let row = try Row.fetchOne(db.cachedStatement(sql: Self.storedSQL), arguments: arguments)
                    else { continue }
                    let sideFile = SideFiles.name(
                        namespaceID: namespaceID,
                        digest: entry.digest,
                        checksum: entry.record.checksum
                    )
                    let inSideFile: Bool = row[1]
                    let unchanged =
                        inSideFile ? self.sideFiles.read(sideFile) == entry.record.payload : (row[2] as Bool?) == true
                    guard unchanged else { continue }
                    try db.execute(sql: "DELETE FROM \(Schema.Entry.table) WHERE rowid = ?", arguments: [row[0]])
                    count += 1
                    if inSideFile { removedFiles.append(sideFile) }
                }
                return (count, removedFiles)
            }
        }
    }
}
