import Synchronization

/// The leases one call of the engine holds on a leasing store, renewed together.
///
/// Claims add the keys granted, releases remove them, and ``renewUntilCancelled()`` claims every
/// held key again each third of the lease, so a key stays held for as long as this caller is
/// encoding it, however slow the encoder, and no longer.
final class HeldLeases: Sendable {
    private let store: any EmbeddingStoreLeasing
    private let namespace: Namespace
    private let duration: Duration
    private let held = Mutex<Set<ContentDigest>>([])

    init(store: any EmbeddingStoreLeasing, namespace: Namespace, duration: Duration) {
        self.store = store
        self.namespace = namespace
        self.duration = duration
    }

    /// Claims `digests` and holds the keys granted.
    ///
    /// - Returns: One element per digest: whether this caller now holds it.
    func claim(_ digests: [ContentDigest]) async throws -> [Bool] {
        guard !digests.isEmpty else { return [] }
        let granted = try await store.claim(digests, in: namespace, for: duration)
        guard granted.count == digests.count else {
            throw EmbeddingCacheError(
                .storeFailed,
                "the store answered \(granted.count) of \(digests.count) claims",
                namespace: namespace
            )
        }
        held.withLock { held in
            for (digest, isGranted) in zip(digests, granted) where isGranted { held.insert(digest) }
        }
        return granted
    }

    /// Stops holding `digests` and releases them.
    func release(_ digests: [ContentDigest]) async throws {
        guard !digests.isEmpty else { return }
        held.withLock { held in for digest in digests { held.remove(digest) } }
        try await store.release(digests, in: namespace)
    }

    /// Claims every held key again each third of the lease until cancelled. A renewal that fails
    /// is not an error: the keys then stay claimed until the last renewal expires. A key released
    /// while its renewal was under way is released again, so a renewal never outlives a release.
    func renewUntilCancelled() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: duration / 3)
            let digests = Array(held.withLock { $0 })
            guard !Task.isCancelled, !digests.isEmpty,
                let granted = try? await store.claim(digests, in: namespace, for: duration)
            else { continue }
            let stale = held.withLock { held in
                zip(digests, granted).filter { $0.1 && !held.contains($0.0) }.map(\.0)
            }
            try? await store.release(stale, in: namespace)
        }
    }
}
