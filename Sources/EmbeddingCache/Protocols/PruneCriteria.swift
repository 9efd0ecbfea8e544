public import FoundationEssentials

/// What ``EmbeddingStore/prune(_:)`` removes. Criteria combine: each one set removes more.
///
/// ```swift
/// var criteria = PruneCriteria()
/// criteria.unusedSince = Date(timeIntervalSinceNow: -30 * 86_400)
/// criteria.maximumBytes = 10 << 30
/// let report = try await store.prune(criteria)
/// ```
public struct PruneCriteria: Sendable, Hashable {
    /// Remove every entry of these namespaces.
    public var namespaces: [Namespace] = []
    /// Remove entries not used since this time (last-use times are kept coarsely).
    public var unusedSince: Date?
    /// Then remove least recently used entries until the payload bytes are at most this.
    public var maximumBytes: Int?
    /// Report what the criteria would remove, and remove nothing.
    public var dryRun = false

    /// Creates criteria that remove nothing.
    public init() {}
}

/// What a prune removed.
public struct PruneReport: Sendable, Hashable, Codable {
    /// The number of entries removed.
    public var entries: Int
    /// Their payload bytes.
    public var bytes: Int

    /// Creates a report.
    ///
    /// - Parameters:
    ///   - entries: Entries removed.
    ///   - bytes: Payload bytes removed.
    public init(entries: Int, bytes: Int) {
        self.entries = entries
        self.bytes = bytes
    }
}
