import EmbeddingCache

/// What `prune` or `clear` removed, or under `--dry-run` would remove: their `--json` object, also
/// printed as a line for people.
struct RemovalReport: Encodable {
    var store: String
    var dryRun: Bool
    var entriesRemoved: Int
    var bytesRemoved: Int
    var entriesBefore: Int
    var bytesBefore: Int
    var entriesAfter: Int
    var bytesAfter: Int

    /// A report of `removed` between two statistics; under a dry run, `after` is `before` less
    /// what would be removed.
    init(store: String, dryRun: Bool, removed: PruneReport, before: StoreStatistics, after: StoreStatistics) {
        self.store = store
        self.dryRun = dryRun
        entriesRemoved = removed.entries
        bytesRemoved = removed.bytes
        entriesBefore = before.totalEntries
        bytesBefore = before.totalBytes
        entriesAfter = dryRun ? before.totalEntries - removed.entries : after.totalEntries
        bytesAfter = dryRun ? before.totalBytes - removed.bytes : after.totalBytes
    }

    /// The report of a store that does not exist: nothing to remove.
    static func empty(store: String, dryRun: Bool) -> RemovalReport {
        let none = StoreStatistics(namespaces: [])
        return RemovalReport(
            store: store,
            dryRun: dryRun,
            removed: PruneReport(entries: 0, bytes: 0),
            before: none,
            after: none
        )
    }

    /// Removes what `criteria` names from `store` and reports it.
    static func removing(
        _ criteria: PruneCriteria,
        from store: any EmbeddingStore,
        at location: String,
        before: StoreStatistics
    ) async throws -> RemovalReport {
        let removed = try await store.prune(criteria)
        let after = criteria.dryRun ? before : try await store.statistics()
        return RemovalReport(store: location, dryRun: criteria.dryRun, removed: removed, before: before, after: after)
    }

    /// One line for people.
    var summary: String {
        let verb = dryRun ? "would remove" : "removed"
        return
            "\(store): \(verb) \(entriesRemoved) entries (\(ByteSize.text(bytesRemoved))); \(entriesAfter) entries (\(ByteSize.text(bytesAfter))) \(dryRun ? "would remain" : "remain")"
    }
}
