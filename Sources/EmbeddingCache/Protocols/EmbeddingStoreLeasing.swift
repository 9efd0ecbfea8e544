/// A store that many processes share, able to hand out short leases on keys so that concurrent
/// misses of one key are encoded once across processes and machines.
///
/// When the cache's store conforms, the cache claims the keys it missed before encoding them.
/// It encodes only the keys it claimed and releases them once their records are stored (or failed);
/// for keys another process holds, it looks them up again until they appear, or claims them itself
/// once their holder released them or let the lease expire. A holder that dies therefore delays the
/// others by at most one lease, and nobody waits forever.
///
/// ```swift
/// let granted = try await store.claim(misses, in: namespace, for: .seconds(30))
/// // encode and store the granted keys, then:
/// try await store.release(zip(misses, granted).filter(\.1).map(\.0), in: namespace)
/// ```
public protocol EmbeddingStoreLeasing: EmbeddingStore {
    /// Claims keys for this store instance until `duration` has passed or they are released.
    ///
    /// A key is granted when nobody holds an unexpired lease on it, or when this instance already
    /// holds it (which renews the lease). A key whose record is already stored is not granted: the
    /// caller should look it up again.
    ///
    /// - Parameters:
    ///   - digests: The keys' digests, possibly repeated (a repeat gets the same answer).
    ///   - namespace: Their namespace.
    ///   - duration: How long the lease lasts unless released.
    /// - Returns: One element per digest, in order: whether this instance now holds it.
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be written.
    func claim(_ digests: [ContentDigest], in namespace: Namespace, for duration: Duration) async throws -> [Bool]

    /// Releases leases this instance holds; keys it does not hold are ignored.
    ///
    /// - Parameters:
    ///   - digests: The keys' digests.
    ///   - namespace: Their namespace.
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be written.
    func release(_ digests: [ContentDigest], in namespace: Namespace) async throws
}

extension EmbeddingStoreLeasing {
    /// The store itself: it hands out leases.
    public var leasing: (any EmbeddingStoreLeasing)? { self }
}
