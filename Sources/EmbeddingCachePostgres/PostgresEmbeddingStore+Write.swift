public import EmbeddingCache
internal import PostgresNIO

extension PostgresEmbeddingStore {
    /// Payload bytes bound to one statement: a batch beyond this is split across statements of
    /// one transaction, far below PostgreSQL's 1 GB message limit.
    static let statementPayloadLimit = 64 << 20

    /// Stores many records atomically with `INSERT … ON CONFLICT … DO UPDATE` over bound arrays.
    ///
    /// Payloads travel as binary `bytea` parameters, never inside the SQL text. A batch is one
    /// statement (atomic by itself) unless its payloads pass 64 MiB; then its statements share one
    /// transaction. Rows are written in digest order, so concurrent puts of overlapping batches
    /// lock rows in the same order and never deadlock. A digest repeated in `entries` keeps its
    /// last record.
    ///
    /// - Parameters:
    ///   - entries: The records with their digests.
    ///   - namespace: Their namespace, created when new.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be written; then
    ///   nothing of the batch is stored.
    public func put(_ entries: [StoreEntry], in namespace: Namespace) async throws {
        guard !entries.isEmpty else { return }
        try await access("write", namespace) {
            let namespaceID = try await createNamespaceID(of: namespace)
            let now = configuration.now().storedMilliseconds
            var latest = [ContentDigest: StoreEntry]()
            for entry in entries { latest[entry.digest] = entry }
            let statements = Self.chunks(latest.values.sorted { $0.digest < $1.digest }).map {
                UpsertEntries(namespaceID: namespaceID, entries: $0, now: now)
            }
            if statements.count == 1 {
                _ = try await rows(statements[0])
            } else {
                try await withConnection { connection in
                    try await connection.transaction(logger: self.logger) { connection in
                        for statement in statements {
                            try await connection.execute(statement, logger: self.logger).drain()
                        }
                    }
                }
            }
        }
    }

    /// Removes records in one statement.
    ///
    /// - Parameters:
    ///   - digests: The digests to remove; absent ones are ignored.
    ///   - namespace: Their namespace.
    /// - Returns: The number of records removed.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be written.
    public func delete(_ digests: [ContentDigest], in namespace: Namespace) async throws -> Int {
        guard !digests.isEmpty else { return 0 }
        return try await access("delete from", namespace) {
            guard let namespaceID = try await namespaceID(of: namespace) else { return 0 }
            let statement = DeleteEntries(namespaceID: namespaceID, digests: Set(digests).sorted().map(\.buffer))
            return try await rows(statement).reduce(0) { $0 + Int($1) }
        }
    }

    /// Splits sorted entries into runs of at most ``statementPayloadLimit`` payload bytes (at least
    /// one entry each).
    static func chunks(_ entries: [StoreEntry]) -> [ArraySlice<StoreEntry>] {
        var chunks = [ArraySlice<StoreEntry>]()
        var start = 0
        var bytes = 0
        for (index, entry) in entries.enumerated() {
            if index > start, bytes + entry.record.payload.count > statementPayloadLimit {
                chunks.append(entries[start..<index])
                (start, bytes) = (index, 0)
            }
            bytes += entry.record.payload.count
        }
        chunks.append(entries[start...])
        return chunks
    }
}

/// Inserts or replaces entries of one namespace, from arrays bound as parameters.
struct UpsertEntries: PostgresPreparedStatement {
    static let sql = """
        INSERT INTO embcache_entry (namespace_id, digest, payload, checksum, size, created, last_used)
        SELECT $1, d, p, c, length(p), $5, $5 FROM unnest($2::bytea[], $3::bytea[], $4::integer[]) AS t (d, p, c)
        ON CONFLICT (namespace_id, digest) DO UPDATE SET
            payload = EXCLUDED.payload, checksum = EXCLUDED.checksum, size = EXCLUDED.size,
            created = EXCLUDED.created, last_used = EXCLUDED.last_used
        """
    typealias Row = Void

    let namespaceID: Int32
    let entries: ArraySlice<StoreEntry>
    let now: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(namespaceID)
        bindings.append(entries.map(\.digest.buffer))
        bindings.append(entries.map { ByteBuffer(bytes: $0.record.payload) })
        bindings.append(entries.map { Int32(bitPattern: $0.record.checksum) })
        bindings.append(now)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {}
}

/// Deletes entries of one namespace and counts them.
struct DeleteEntries: PostgresPreparedStatement {
    static let sql = """
        WITH gone AS (DELETE FROM embcache_entry WHERE namespace_id = $1 AND digest = ANY($2) RETURNING 1)
        SELECT count(*) FROM gone
        """
    typealias Row = Int64

    let namespaceID: Int32
    let digests: [ByteBuffer]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(namespaceID)
        bindings.append(digests)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}

extension AsyncSequence {
    /// Reads every element, so the statement completes and its connection returns to the pool.
    func drain() async throws {
        for try await _ in self {}
    }
}
