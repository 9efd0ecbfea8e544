public import EmbeddingCache
internal import Synchronization

/// A leasing store for tests: any store plus an in-process lease table, shared by several
/// instances that play separate hosts. Records are read and written in the base store.
///
/// Each instance is one lease holder; instances made with the same ``Table`` and base store see
/// each other's leases and records, as processes sharing a database would.
///
/// ```swift
/// let table = InMemoryLeases.Table()
/// let base = InMemoryEmbeddingStore()
/// let hostA = InMemoryLeases(base: base, table: table)
/// let hostB = InMemoryLeases(base: base, table: table)
/// ```
public struct InMemoryLeases: EmbeddingStoreLeasing, ForwardingStore {
    /// The leases every instance made with it shares: per key, the holder and the deadline.
    public final class Table: Sendable {
        fileprivate struct Key: Hashable {
            let namespace: Namespace
            let digest: ContentDigest
        }

        fileprivate let leases = Mutex<[Key: (holder: Int, deadline: ContinuousClock.Instant)]>([:])
        fileprivate let holders = Atomic<Int>(0)

        /// Creates an empty table.
        public init() {}
    }

    /// The store records live in.
    public let base: any EmbeddingStore
    private let table: Table
    private let holder: Int

    /// Creates a lease holder over `base`.
    ///
    /// - Parameters:
    ///   - base: The store records live in, shared by every holder.
    ///   - table: The lease table, shared by every holder.
    public init(base: any EmbeddingStore, table: Table) {
        self.base = base
        self.table = table
        self.holder = table.holders.add(1, ordering: .relaxed).newValue
    }

    /// Grants keys nobody else holds unexpired and that are not stored; see
    /// ``EmbeddingStoreLeasing/claim(_:in:for:)``.
    public func claim(
        _ digests: [ContentDigest],
        in namespace: Namespace,
        for duration: Duration
    ) async throws
        -> [Bool]
    {
        let stored = try await base.records(for: digests, in: namespace).map { $0 != nil }
        let now = ContinuousClock.now
        return table.leases.withLock { leases in
            zip(digests, stored).map { digest, stored in
                let key = Table.Key(namespace: namespace, digest: digest)
                if stored { return false }
                if let lease = leases[key], lease.holder != holder, lease.deadline > now { return false }
                leases[key] = (holder, now + duration)
                return true
            }
        }
    }

    /// Releases keys this holder holds; see ``EmbeddingStoreLeasing/release(_:in:)``.
    public func release(_ digests: [ContentDigest], in namespace: Namespace) async throws {
        table.leases.withLock { leases in
            for digest in digests {
                let key = Table.Key(namespace: namespace, digest: digest)
                if leases[key]?.holder == holder { leases[key] = nil }
            }
        }
    }
}
