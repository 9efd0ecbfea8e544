internal import EmbeddingCache
internal import FoundationEssentials
internal import GRDB

/// Copies every record of a damaged store that can still be read and still verifies into a fresh
/// database, reading the damaged file page by page so that any page may be garbage.
///
/// A record is kept when its row decodes, its namespace row can be found, its payload (inline,
/// with its overflow pages, or in its side file) is whole and its checksum verifies against its
/// namespace and digest. Namespace ids are kept, so side files keep their names and stay where
/// they are. When one key is found twice, the later-created record wins.
struct StoreSalvage {
    /// The damaged file's pages.
    let pages: DatabasePages
    /// The store's side files.
    let sideFiles: SideFiles

    /// What the copy kept and dropped.
    struct Outcome {
        /// Records copied.
        var kept = 0
        /// Records found but not copied: damaged, or in a namespace whose row is unreadable.
        var dropped = 0
    }

    private typealias Columns = Schema.Entry.Columns
    private typealias NamespaceColumns = Schema.Namespace.Columns

    private static let insertNamespaceSQL = """
        INSERT OR IGNORE INTO \(Schema.Namespace.table) (\(NamespaceColumns.id), \(NamespaceColumns.model), \
        \(NamespaceColumns.preprocessing), \(NamespaceColumns.storage)) VALUES (?, ?, ?, ?)
        """

    private static let upsertSQL = """
        INSERT INTO \(Schema.Entry.table) (\(Columns.namespaceID), \(Columns.digest), \(Columns.payload), \
        \(Columns.size), \(Columns.checksum), \(Columns.created), \(Columns.lastUsed))
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (\(Columns.namespaceID), \(Columns.digest)) DO UPDATE SET
            \(Columns.payload) = excluded.\(Columns.payload), \(Columns.size) = excluded.\(Columns.size),
            \(Columns.checksum) = excluded.\(Columns.checksum), \(Columns.created) = excluded.\(Columns.created),
            \(Columns.lastUsed) = excluded.\(Columns.lastUsed)
        WHERE excluded.\(Columns.created) > \(Schema.Entry.table).\(Columns.created)
        """

    private static let existsSQL = """
        SELECT 1 FROM \(Schema.Entry.table) WHERE \(Columns.namespaceID) = ? AND \(Columns.digest) = ?
        """

    /// A record's key in the damaged file.
    private struct Key: Hashable {
        var namespaceID: Int64
        var digest: ContentDigest
    }

    /// Copies the records that verify into `database`, whose schema is current and empty, in one
    /// transaction.
    ///
    /// - Throws: What writing `database` throws.
    func copy(into database: DatabaseQueue) throws -> Outcome {
        let candidates = pages.namespaces()
        return try database.write { db in
            var chosen = [Int64: Namespace]()
            var unusable = Set<Int64>()
            var failed = Set<Key>()
            let upsert = try db.makeStatement(sql: Self.upsertSQL)
            try pages.forEachRow { _, values in
                guard let entry = SalvagedEntry(values) else { return }
                let key = Key(namespaceID: entry.namespaceID, digest: entry.digest)
                let payload = entry.payload ?? sideFile(of: entry)
                guard try verifies(entry, payload, candidates, &chosen, &unusable, db) else {
                    failed.insert(key)
                    return
                }
                try upsert.execute(arguments: [
                    entry.namespaceID, Data(entry.digest.bytes), entry.payload, payload.count,
                    Int64(entry.checksum), entry.created, entry.lastUsed,
                ])
            }
            var outcome = Outcome()
            outcome.kept = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(Schema.Entry.table)") ?? 0
            let exists = try db.makeStatement(sql: Self.existsSQL)
            outcome.dropped = try failed.count { key in
                try Int.fetchOne(exists, arguments: [key.namespaceID, Data(key.digest.bytes)]) == nil
            }
            return outcome
        }
    }

    /// Whether `entry`, with `payload`, verifies under its namespace; the first time a namespace id
    /// verifies a record, its namespace row is recorded in `db` and the id keeps that namespace.
    ///
    /// - Returns: `false` when the payload is damaged or the namespace row cannot be found.
    private func verifies(
        _ entry: SalvagedEntry,
        _ payload: Data,
        _ candidates: [Int64: [Namespace]],
        _ chosen: inout [Int64: Namespace],
        _ unusable: inout Set<Int64>,
        _ db: Database
    ) throws -> Bool {
        let id = entry.namespaceID
        guard !unusable.contains(id) else { return false }
        let record = StoredRecord(payload: payload, checksum: entry.checksum)
        let opens = { (namespace: Namespace) in
            RecordChecksum(namespace: namespace).open(record, digest: entry.digest) != nil
        }
        if let namespace = chosen[id] { return opens(namespace) }
        guard let namespace = candidates[id]?.first(where: opens) else { return false }
        try db.execute(
            sql: Self.insertNamespaceSQL,
            arguments: [id, namespace.model, namespace.preprocessing, namespace.storage.rawValue]
        )
        guard db.changesCount == 1 else {
            unusable.insert(id)
            return false
        }
        chosen[id] = namespace
        return true
    }

    /// The bytes of `entry`'s side file: as many as are there, none when it is missing.
    private func sideFile(of entry: SalvagedEntry) -> Data {
        sideFiles.read(SideFiles.name(namespaceID: entry.namespaceID, digest: entry.digest, checksum: entry.checksum))
    }
}
