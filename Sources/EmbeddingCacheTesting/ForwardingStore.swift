public import EmbeddingCache

/// A store that forwards every operation to another, for test stores that change one behaviour of
/// a real store and keep the rest.
///
/// ```swift
/// struct Wrapped: ForwardingStore {
///     let base: any EmbeddingStore
/// }
/// ```
public protocol ForwardingStore: EmbeddingStore {
    /// The store operations are forwarded to.
    var base: any EmbeddingStore { get }
}

extension ForwardingStore {
    /// Forwards to the base store; see ``EmbeddingStore/records(for:in:)``.
    public func records(for digests: [ContentDigest], in namespace: Namespace) async throws -> [StoredRecord?] {
        try await base.records(for: digests, in: namespace)
    }

    /// Forwards to the base store; see ``EmbeddingStore/put(_:in:)``.
    public func put(_ entries: [StoreEntry], in namespace: Namespace) async throws {
        try await base.put(entries, in: namespace)
    }

    /// Forwards to the base store; see ``EmbeddingStore/delete(_:in:)``.
    public func delete(_ digests: [ContentDigest], in namespace: Namespace) async throws -> Int {
        try await base.delete(digests, in: namespace)
    }

    /// Forwards to the base store; see ``EmbeddingStore/deleteIfUnchanged(_:in:)``.
    public func deleteIfUnchanged(_ entries: [StoreEntry], in namespace: Namespace) async throws -> Int {
        try await base.deleteIfUnchanged(entries, in: namespace)
    }

    /// Forwards to the base store; see ``EmbeddingStore/statistics()``.
    public func statistics() async throws -> StoreStatistics {
        try await base.statistics()
    }

    /// Forwards to the base store; see ``EmbeddingStore/prune(_:)``.
    public func prune(_ criteria: PruneCriteria) async throws -> PruneReport {
        try await base.prune(criteria)
    }

    /// Forwards to the base store; see ``EmbeddingStore/checkStructure()``.
    public func checkStructure() async throws {
        try await base.checkStructure()
    }

    /// Forwards to the base store; see ``EmbeddingStore/sweepOrphans()``.
    public func sweepOrphans() async throws -> Int {
        try await base.sweepOrphans()
    }

    /// Forwards to the base store; see ``EmbeddingStore/entries(in:after:limit:)``.
    public func entries(in namespace: Namespace, after: ContentDigest?, limit: Int) async throws -> [StoreEntry] {
        try await base.entries(in: namespace, after: after, limit: limit)
    }
}
