/// A store that can also look keys up on the calling thread, so that the cache reads, digests and
/// looks up each input on the same core, in one pass.
///
/// With any other store, a call digests every input on every core and then looks the keys up: the
/// cores wait for the slowest input before the first lookup starts, and again for the lookups. When
/// the store conforms, each core looks up the keys digested so far, a small group at a time,
/// between inputs; on a warm call the lookups then cost their processor time alone. Only the keys
/// that missed are then claimed, looked up again if a concurrent caller may have stored them in the
/// meantime, and encoded.
///
/// Conform only when a lookup is short, local work: it runs on a thread that must not wait for the
/// network, for another caller, or for a lock held across a suspension.
///
/// ```swift
/// let found = try store.recordsSynchronously(for: digests, in: namespace)
/// await store.recordPendingUses()
/// ```
public protocol EmbeddingStoreSynchronousLookup: EmbeddingStore {
    /// Looks up many keys on the calling thread, as ``EmbeddingStore/records(for:in:)`` does.
    ///
    /// Any bookkeeping a read implies (last-use times) is deferred until
    /// ``recordPendingUses()``.
    ///
    /// - Parameters:
    ///   - digests: The content digests, possibly repeated.
    ///   - namespace: Their namespace.
    /// - Returns: One element per digest, in order: the stored record, or `nil` when absent.
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be read.
    func recordsSynchronously(for digests: [ContentDigest], in namespace: Namespace) throws -> [StoredRecord?]

    /// Writes the bookkeeping that synchronous lookups deferred, best effort: a failure is not
    /// reported, and a later read retries it.
    func recordPendingUses() async
}

extension EmbeddingStoreSynchronousLookup {
    /// The store itself: it looks keys up on the calling thread.
    public var synchronousLookup: (any EmbeddingStoreSynchronousLookup)? { self }
}
