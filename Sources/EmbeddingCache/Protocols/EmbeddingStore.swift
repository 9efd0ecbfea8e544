/// Where records live: the plug-in seam between the cache and a database.
///
/// A store keeps opaque ``StoredRecord`` values under (namespace, digest) keys. The cache verifies
/// checksums, so a store only has to return what it was given, or nothing. Every store passes the
/// conformance suite in `EmbeddingCacheTesting`.
///
/// ```swift
/// let store = try SQLiteEmbeddingStore(path: SQLiteEmbeddingStore.defaultPath)
/// let found = try await store.records(for: digests, in: namespace)
/// ```
public protocol EmbeddingStore: Sendable {
    /// Looks up many keys in one round trip.
    ///
    /// A read may update the entries' last-use times for pruning, but need not do so on every call.
    ///
    /// - Parameters:
    ///   - digests: The content digests, possibly repeated.
    ///   - namespace: Their namespace.
    /// - Returns: One element per digest, in order: the stored record, or `nil` when absent.
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be read.
    func records(for digests: [ContentDigest], in namespace: Namespace) async throws -> [StoredRecord?]

    /// Stores many records in one transaction, replacing records already stored under those keys.
    ///
    /// Either every record is stored or, when the call throws, none is.
    ///
    /// - Parameters:
    ///   - entries: The records with their digests.
    ///   - namespace: Their namespace.
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be written.
    func put(_ entries: [StoreEntry], in namespace: Namespace) async throws

    /// Removes records.
    ///
    /// - Parameters:
    ///   - digests: The digests to remove; absent ones are ignored.
    ///   - namespace: Their namespace.
    /// - Returns: The number of records removed.
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be written.
    func delete(_ digests: [ContentDigest], in namespace: Namespace) async throws -> Int

    /// Removes records only where each is still stored exactly as given: the same payload bytes and
    /// checksum.
    ///
    /// `embcache verify --repair` deletes the corrupt records it read with this, so that a record
    /// another process stored again meanwhile, under the same key, is kept. A store compares and
    /// deletes in one transaction; the default implementation, for stores that do not, reads the
    /// records and then deletes the unchanged ones, which a concurrent writer can slip between.
    ///
    /// ```swift
    /// let corrupt = page.filter { checksum.open($0.record, digest: $0.digest) == nil }
    /// let removed = try await store.deleteIfUnchanged(corrupt, in: namespace)
    /// ```
    ///
    /// - Parameters:
    ///   - entries: The records as they were read; absent or changed ones are left alone.
    ///   - namespace: Their namespace.
    /// - Returns: The number of records removed.
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be written.
    func deleteIfUnchanged(_ entries: [StoreEntry], in namespace: Namespace) async throws -> Int

    /// Counts entries and bytes per namespace.
    ///
    /// - Returns: The statistics.
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be read.
    func statistics() async throws -> StoreStatistics

    /// Removes entries by namespace, by age, and least recently used first down to a total size.
    ///
    /// - Parameter criteria: What to remove; criteria combine.
    /// - Returns: What was removed.
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be written.
    func prune(_ criteria: PruneCriteria) async throws -> PruneReport

    /// Reads one page of a namespace's records, in ascending digest order.
    ///
    /// Paging from `after: nil` with the last digest of each page as the next `after` visits every
    /// record of the namespace once, without holding the namespace in memory; ``statistics()``
    /// lists the namespaces. Records come back as stored, unverified, and reading them does not
    /// count as a use for pruning. Records written or removed while paging may or may not be seen.
    ///
    /// ```swift
    /// var page = try await store.entries(in: namespace, after: nil, limit: 1000)
    /// while let last = page.last?.digest {
    ///     page = try await store.entries(in: namespace, after: last, limit: 1000)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - namespace: The namespace to read; an unknown one has no records.
    ///   - after: Return only digests greater than this one (in ``ContentDigest``'s bytewise
    ///     order); `nil` to start at the first.
    ///   - limit: The most records to return; at least 1.
    /// - Returns: Up to `limit` entries, sorted by digest; fewer than `limit` only at the end.
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be read.
    func entries(in namespace: Namespace, after: ContentDigest?, limit: Int) async throws -> [StoreEntry]

    /// Checks the store's own structure (its files, pages and indexes), beyond records' checksums.
    ///
    /// `embcache verify` calls it after reading every record. A store without such a check does
    /// nothing, which is the default.
    ///
    /// - Throws: ``EmbeddingCacheError`` `.storeDamaged` naming what is damaged and how to repair
    ///   it; `.storeFailed` when the store cannot be read.
    func checkStructure() async throws

    /// Removes files of the store's own that no record references and that are old enough not to
    /// belong to a write still in progress (such as side files a crashed process wrote before it
    /// committed); `verify --repair` and `prune` call it.
    ///
    /// - Returns: The number of files removed.
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be read or written.
    func sweepOrphans() async throws -> Int

    /// The store's leases when it hands them out to the processes sharing it (itself, for an
    /// ``EmbeddingStoreLeasing`` store), else `nil`: the cache then claims the keys it missed
    /// before encoding them, so that processes encode each key once.
    var leasing: (any EmbeddingStoreLeasing)? { get }

    /// The store's lookup on the calling thread (itself, for an
    /// ``EmbeddingStoreSynchronousLookup`` store), else `nil`: the cache then looks keys up in the
    /// same pass that digests them.
    var synchronousLookup: (any EmbeddingStoreSynchronousLookup)? { get }
}

extension EmbeddingStore {
    /// Reads `entries`' records, then deletes those still stored as given; not atomic. See
    /// ``EmbeddingStore/deleteIfUnchanged(_:in:)``.
    public func deleteIfUnchanged(_ entries: [StoreEntry], in namespace: Namespace) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        let stored = try await records(for: entries.map(\.digest), in: namespace)
        let unchanged = zip(entries, stored).filter { $0.0.record == $0.1 }.map(\.0.digest)
        return unchanged.isEmpty ? 0 : try await delete(unchanged, in: namespace)
    }

    /// Does nothing: the store has no structure of its own to check; see
    /// ``EmbeddingStore/checkStructure()``.
    public func checkStructure() async throws {}

    /// Removes nothing: the store keeps no files beside its records; see
    /// ``EmbeddingStore/sweepOrphans()``.
    public func sweepOrphans() async throws -> Int { 0 }

    /// No leases: see ``EmbeddingStore/leasing``.
    public var leasing: (any EmbeddingStoreLeasing)? { nil }

    /// No synchronous lookup: see ``EmbeddingStore/synchronousLookup``.
    public var synchronousLookup: (any EmbeddingStoreSynchronousLookup)? { nil }
}

/// A record with the digest it is stored under.
public struct StoreEntry: Sendable, Hashable {
    /// The content digest.
    public var digest: ContentDigest
    /// The sealed record.
    public var record: StoredRecord

    /// Creates an entry.
    ///
    /// - Parameters:
    ///   - digest: The content digest.
    ///   - record: The sealed record.
    public init(digest: ContentDigest, record: StoredRecord) {
        self.digest = digest
        self.record = record
    }
}
