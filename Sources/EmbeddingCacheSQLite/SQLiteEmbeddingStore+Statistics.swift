public import EmbeddingCache
internal import GRDB

extension SQLiteEmbeddingStore {
    private typealias N = Schema.Namespace.Columns
    private typealias E = Schema.Entry.Columns

    private static let statisticsSQL = """
        SELECT n.\(N.model), n.\(N.preprocessing), n.\(N.storage), e.count, e.bytes
        FROM (
            SELECT \(E.namespaceID) AS id, count(*) AS count, sum(\(E.size)) AS bytes
            FROM \(Schema.Entry.table) INDEXED BY \(Schema.Entry.lastUsedIndex)
            GROUP BY \(E.namespaceID)
        ) AS e
        JOIN \(Schema.Namespace.table) AS n ON n.\(N.id) = e.id
        """

    /// Counts entries and payload bytes per namespace with one aggregate query.
    ///
    /// `diskBytes` is the size of the database, its write-ahead log and the side files.
    ///
    /// - Returns: The statistics, namespaces sorted by description.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be read;
    ///   `.storeIncompatible` when it names a storage policy this version does not know.
    /// - Complexity: One scan of the last-use index, which holds the sizes.
    public func statistics() async throws -> StoreStatistics {
        let figures = try await access("read statistics of") {
            try await pool.read { db in
                try Row.fetchAll(db, sql: Self.statisticsSQL).map { row in
                    let policy: String = row[2]
                    guard let storage = StoragePolicy(rawValue: policy) else {
                        throw EmbeddingCacheError(
                            .storeIncompatible,
                            "the embedding store at \(path) holds records of an unknown storage policy '\(policy)'"
                        )
                    }
                    let namespace = Namespace(model: row[0], preprocessing: row[1], storage: storage)
                    return StoreStatistics.NamespaceStatistics(namespace: namespace, entries: row[3], bytes: row[4])
                }
            }
        }
        let diskBytes = [path, "\(path)-wal"].reduce(sideFiles.diskBytes()) { $0 + SideFiles.fileSize($1) }
        return StoreStatistics(
            namespaces: figures.sorted { $0.namespace.description < $1.namespace.description },
            diskBytes: diskBytes
        )
    }
}
