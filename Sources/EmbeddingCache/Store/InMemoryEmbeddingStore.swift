public import FoundationEssentials
import Synchronization

/// A store that keeps records in memory, for tests and throwaway use.
///
/// It passes the same conformance suite as the persistent stores. Time comes from an injectable
/// `now` function, so pruning by age is testable without waiting. Lookups also run synchronously
/// (``EmbeddingStoreSynchronousLookup``), as with the SQLite store.
///
/// ```swift
/// let cache = EmbeddingCache(store: InMemoryEmbeddingStore(), encoder: encoder)
/// ```
public final class InMemoryEmbeddingStore: EmbeddingStoreSynchronousLookup {
    private let table = Mutex(Table())
    private let now: @Sendable () -> Date

    /// Creates an empty store.
    ///
    /// - Parameter now: The clock used for last-use times; the system clock by default.
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// Looks up many keys; see ``EmbeddingStore/records(for:in:)``.
    public func records(for digests: [ContentDigest], in namespace: Namespace) async -> [StoredRecord?] {
        recordsSynchronously(for: digests, in: namespace)
    }

    /// Looks up many keys on the calling thread, recording their use at once; see
    /// ``EmbeddingStoreSynchronousLookup/recordsSynchronously(for:in:)``.
    public func recordsSynchronously(for digests: [ContentDigest], in namespace: Namespace) -> [StoredRecord?] {
        let time = now()
        return table.withLock { $0.records(for: digests, in: namespace, at: time) }
    }

    /// Does nothing: lookups record their use as they run.
    public func recordPendingUses() async {}

    /// Stores records; see ``EmbeddingStore/put(_:in:)``.
    public func put(_ entries: [StoreEntry], in namespace: Namespace) async {
        let time = now()
        table.withLock { $0.put(entries, in: namespace, at: time) }
    }

    /// Removes records; see ``EmbeddingStore/delete(_:in:)``.
    public func delete(_ digests: [ContentDigest], in namespace: Namespace) async -> Int {
        table.withLock { $0.delete(digests, in: namespace) }
    }

    /// Removes the records still stored exactly as given, under one lock; see
    /// ``EmbeddingStore/deleteIfUnchanged(_:in:)``.
    public func deleteIfUnchanged(_ entries: [StoreEntry], in namespace: Namespace) async -> Int {
        table.withLock { $0.deleteIfUnchanged(entries, in: namespace) }
    }

    /// Counts entries and bytes; see ``EmbeddingStore/statistics()``.
    public func statistics() async -> StoreStatistics {
        table.withLock { $0.statistics() }
    }

    /// Removes entries, or under ``PruneCriteria/dryRun`` only counts them; see
    /// ``EmbeddingStore/prune(_:)``.
    public func prune(_ criteria: PruneCriteria) async -> PruneReport {
        table.withLock { $0.prune(criteria) }
    }

    /// Reads one page of a namespace in digest order; see ``EmbeddingStore/entries(in:after:limit:)``.
    ///
    /// - Complexity: O(n log n) in the namespace's size: the namespace is sorted for each page.
    public func entries(in namespace: Namespace, after: ContentDigest?, limit: Int) async -> [StoreEntry] {
        table.withLock { $0.entries(in: namespace, after: after, limit: limit) }
    }
}

/// The records of an ``InMemoryEmbeddingStore``, with their last-use times.
private struct Table {
    private struct Entry {
        var record: StoredRecord
        var lastUsed: Date
    }

    private var namespaces: [Namespace: [ContentDigest: Entry]] = [:]

    mutating func records(for digests: [ContentDigest], in namespace: Namespace, at time: Date) -> [StoredRecord?] {
        digests.map { digest in
            guard var entry = namespaces[namespace]?[digest] else { return nil }
            entry.lastUsed = time
            namespaces[namespace]?[digest] = entry
            return entry.record
        }
    }

    mutating func put(_ entries: [StoreEntry], in namespace: Namespace, at time: Date) {
        for entry in entries {
            namespaces[namespace, default: [:]][entry.digest] = Entry(record: entry.record, lastUsed: time)
        }
    }

    mutating func delete(_ digests: [ContentDigest], in namespace: Namespace) -> Int {
        digests.reduce(0) { removed, digest in
            removed + (namespaces[namespace]?.removeValue(forKey: digest) == nil ? 0 : 1)
        }
    }

    mutating func deleteIfUnchanged(_ entries: [StoreEntry], in namespace: Namespace) -> Int {
        entries.reduce(0) { removed, entry in
            guard namespaces[namespace]?[entry.digest]?.record == entry.record else { return removed }
            namespaces[namespace]?.removeValue(forKey: entry.digest)
            return removed + 1
        }
    }

    func statistics() -> StoreStatistics {
        let figures = namespaces.compactMap { namespace, entries -> StoreStatistics.NamespaceStatistics? in
            guard !entries.isEmpty else { return nil }
            let bytes = entries.values.reduce(0) { $0 + $1.record.payload.count }
            return .init(namespace: namespace, entries: entries.count, bytes: bytes)
        }
        return StoreStatistics(namespaces: figures.sorted { $0.namespace.description < $1.namespace.description })
    }

    mutating func prune(_ criteria: PruneCriteria) -> PruneReport {
        let before = namespaces
        defer { if criteria.dryRun { namespaces = before } }
        var report = PruneReport(entries: 0, bytes: 0)
        func remove(_ namespace: Namespace, _ digest: ContentDigest) {
            guard let entry = namespaces[namespace]?.removeValue(forKey: digest) else { return }
            report.entries += 1
            report.bytes += entry.record.payload.count
        }
        for namespace in criteria.namespaces {
            for digest in namespaces[namespace]?.keys.map({ $0 }) ?? [] { remove(namespace, digest) }
        }
        var byAge = namespaces.flatMap { namespace, entries in
            entries.map { (namespace: namespace, digest: $0.key, entry: $0.value) }
        }
        byAge.sort { $0.entry.lastUsed < $1.entry.lastUsed }
        if let cutoff = criteria.unusedSince {
            for item in byAge where item.entry.lastUsed < cutoff { remove(item.namespace, item.digest) }
        }
        if let limit = criteria.maximumBytes {
            var total = statistics().totalBytes
            for item in byAge where total > limit {
                guard namespaces[item.namespace]?[item.digest] != nil else { continue }
                total -= item.entry.record.payload.count
                remove(item.namespace, item.digest)
            }
        }
        return report
    }

    func entries(in namespace: Namespace, after: ContentDigest?, limit: Int) -> [StoreEntry] {
        let stored = namespaces[namespace] ?? [:]
        let digests = stored.keys.filter { digest in after.map { digest > $0 } ?? true }.sorted().prefix(max(0, limit))
        return digests.map { StoreEntry(digest: $0, record: stored[$0]!.record) }
    }
}
