public import EmbeddingCache

/// A store that forwards everything to another but hides its synchronous lookups
/// (``EmbeddingStoreSynchronousLookup``), so that a cache in front of it digests every input first
/// and then looks the keys up in separate requests, as it does with a remote store.
///
/// Tests run the engine through both of its lookup paths with one in-memory store:
///
/// ```swift
/// let store = InMemoryEmbeddingStore()
/// let cache = EmbeddingCache(store: AsynchronousLookupStore(store), encoder: encoder)
/// ```
public struct AsynchronousLookupStore: ForwardingStore {
    /// The store everything is forwarded to.
    public let base: any EmbeddingStore

    /// Wraps `base`.
    ///
    /// - Parameter base: The store to forward to.
    public init(_ base: any EmbeddingStore) {
        self.base = base
    }
}
