import EmbeddingCache
import EmbeddingCacheDatasets

/// What a store holds: the `stats --json` object, also printed as a table for people.
struct StatsReport: Encodable {
    /// One namespace's figures.
    struct NamespaceFigures: Encodable {
        var model: String
        var preprocessing: String
        var storage: String
        var entries: Int
        var bytes: Int
    }

    var store: String
    var diskBytes: Int
    var entries: Int
    var bytes: Int
    var namespaces: [NamespaceFigures]

    /// The figures of `statistics`, less the store's own bookkeeping: the records of the namespaces
    /// `precompute` resolved (``EncoderNamespaceRecord``), which hold no embeddings.
    init(store: String, statistics: StoreStatistics, diskBytes: Int) {
        self.store = store
        self.diskBytes = diskBytes
        let shown = StoreStatistics(
            namespaces: statistics.namespaces.filter { $0.namespace != EncoderNamespaceRecord.namespace }
        )
        entries = shown.totalEntries
        bytes = shown.totalBytes
        namespaces = shown.namespaces.map {
            let name = NamespaceReport($0.namespace)
            return NamespaceFigures(
                model: name.model,
                preprocessing: name.preprocessing,
                storage: name.storage,
                entries: $0.entries,
                bytes: $0.bytes
            )
        }
    }

    /// A table for people: one line per namespace, then the totals.
    var table: String {
        var lines = ["store: \(store) (\(ByteSize.text(diskBytes)) on disk)"]
        for namespace in namespaces {
            lines.append(
                "  \(namespace.model) | \(namespace.preprocessing) | \(namespace.storage): \(namespace.entries) entries, \(ByteSize.text(namespace.bytes))"
            )
        }
        lines.append("total: \(entries) entries, \(ByteSize.text(bytes))")
        return lines.joined(separator: "\n")
    }
}
