/// What a store holds, per namespace.
public struct StoreStatistics: Sendable, Hashable, Codable {
    /// The entries and payload bytes of one namespace.
    public struct NamespaceStatistics: Sendable, Hashable, Codable {
        /// The namespace.
        public var namespace: Namespace
        /// The number of records.
        public var entries: Int
        /// The total payload bytes of its records.
        public var bytes: Int

        /// Creates the statistics of one namespace.
        ///
        /// - Parameters:
        ///   - namespace: The namespace.
        ///   - entries: Its record count.
        ///   - bytes: Its payload bytes.
        public init(namespace: Namespace, entries: Int, bytes: Int) {
            self.namespace = namespace
            self.entries = entries
            self.bytes = bytes
        }
    }

    /// One element per namespace that holds records, sorted by namespace description.
    public var namespaces: [NamespaceStatistics]
    /// The bytes the store occupies on disk, when it has a disk footprint.
    public var diskBytes: Int?

    /// Creates statistics.
    ///
    /// - Parameters:
    ///   - namespaces: Per-namespace figures.
    ///   - diskBytes: The on-disk size, if any.
    public init(namespaces: [NamespaceStatistics], diskBytes: Int? = nil) {
        self.namespaces = namespaces
        self.diskBytes = diskBytes
    }

    /// The record count over all namespaces.
    public var totalEntries: Int { namespaces.reduce(0) { $0 + $1.entries } }
    /// The payload bytes over all namespaces.
    public var totalBytes: Int { namespaces.reduce(0) { $0 + $1.bytes } }
}
