public import EmbeddingCache
internal import FoundationEssentials
internal import PostgresNIO

extension PostgresEmbeddingStore {
    /// Looks up many keys with one prepared statement (`digest = ANY($2)`) per part: a batch of
    /// fewer than ``EmbeddingCache/LookupSplit/threshold`` distinct keys is one statement, a larger one is split by digest range into
    /// up to ``Configuration/lookupConnections`` statements that run at once on separate
    /// connections, so the server's backends and the client's event loops share the work.
    ///
    /// Afterwards, found entries whose recorded last use is older than
    /// ``Configuration/touchInterval`` get the current time in one more statement per part; a warm
    /// re-read within the interval writes nothing. That bookkeeping is best effort: if it fails,
    /// the lookup still succeeds and a later read retries it.
    ///
    /// - Parameters:
    ///   - digests: The content digests, possibly repeated.
    ///   - namespace: Their namespace; an unknown one yields all `nil`.
    /// - Returns: One element per digest, in order: the stored record, or `nil` when absent.
    /// - Throws: ``EmbeddingCacheError`` `.storeFailed` when the database cannot be read.
    /// - Complexity: One primary-key probe per distinct digest, in one round trip of at most
    ///   ``Configuration/lookupConnections`` concurrent statements.
    public func records(for digests: [ContentDigest], in namespace: Namespace) async throws -> [StoredRecord?] {
        guard !digests.isEmpty else { return [] }
        return try await access("read", namespace) {
            guard let namespaceID = try await namespaceID(of: namespace) else {
                return Array(repeating: nil, count: digests.count)
            }
            let distinct = Set(digests).sorted()
            let parts = LookupSplit.parts(count: distinct.count, concurrency: configuration.lookupConnections)
            let found = try await withThrowingTaskGroup(of: [ContentDigest: StoredRecord].self) { group in
                for range in parts {
                    let part = distinct[range]
                    group.addTask { try await self.records(for: part, namespaceID: namespaceID) }
                }
                return try await group.reduce(into: [ContentDigest: StoredRecord](minimumCapacity: distinct.count)) {
                    $0.merge($1) { first, _ in first }
                }
            }
            return digests.map { found[$0] }
        }
    }

    /// Looks distinct, sorted keys up in one statement, and records the use of stale ones.
    private func records(
        for digests: ArraySlice<ContentDigest>,
        namespaceID: Int32
    ) async throws -> [ContentDigest: StoredRecord] {
        let now = configuration.now().storedMilliseconds
        let staleBefore = now - configuration.touchInterval.milliseconds
        var found = [ContentDigest: StoredRecord](minimumCapacity: digests.count)
        var stale = [ContentDigest]()
        for (digest, record, lastUsed) in try await rows(
            SelectEntries(namespaceID: namespaceID, digests: digests.map(\.buffer))
        ) {
            found[digest] = record
            if lastUsed < staleBefore { stale.append(digest) }
        }
        if !stale.isEmpty {
            _ = try? await rows(TouchEntries(namespaceID: namespaceID, digests: stale.sorted().map(\.buffer), now: now))
        }
        return found
    }
}

/// Selects the entries of one namespace among a set of digests.
struct SelectEntries: PostgresPreparedStatement {
    static let sql = """
        SELECT digest, payload, checksum, last_used FROM embcache_entry
        WHERE namespace_id = $1 AND digest = ANY($2)
        """
    typealias Row = (ContentDigest, StoredRecord, Int64)

    let namespaceID: Int32
    let digests: [ByteBuffer]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(namespaceID)
        bindings.append(digests)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try Self.decodeEntry(row)
    }
}

extension PostgresPreparedStatement {
    /// Decodes a `digest, payload, checksum, last_used` row.
    static func decodeEntry(_ row: PostgresRow) throws -> (ContentDigest, StoredRecord, Int64) {
        let (digest, payload, checksum, lastUsed) = try row.decode((ByteBuffer, ByteBuffer, Int32, Int64).self)
        guard let key = ContentDigest(bytes: digest.readableBytesView) else {
            throw EmbeddingCacheError(.corruptRecord, "a stored digest is not \(ContentDigest.byteCount) bytes long")
        }
        let bytes = payload.withUnsafeReadableBytes { Data($0) }
        return (key, StoredRecord(payload: bytes, checksum: UInt32(bitPattern: checksum)), lastUsed)
    }
}

/// Records the last use of entries whose recorded use is older than `now`.
struct TouchEntries: PostgresPreparedStatement {
    static let sql = """
        UPDATE embcache_entry SET last_used = $3
        WHERE namespace_id = $1 AND digest = ANY($2) AND last_used < $3
        """
    typealias Row = Void

    let namespaceID: Int32
    let digests: [ByteBuffer]
    let now: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(namespaceID)
        bindings.append(digests)
        bindings.append(now)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {}
}

extension ContentDigest {
    /// The 32 digest bytes as a bound `bytea`.
    var buffer: ByteBuffer { withUnsafeBytes { ByteBuffer(bytes: $0) } }
}
