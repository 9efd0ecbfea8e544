import EmbeddingCache
import EmbeddingCacheSQLite

/// What `verify` found: its `--json` object, also printed as lines for people.
struct VerifyReport: Encodable {
    /// One corrupt record: where it is, never what it holds.
    struct CorruptEntry: Encodable {
        var namespace: NamespaceReport
        var digest: String
        var repaired: Bool
    }

    /// A damaged file rebuilt by `--repair`: records kept and dropped, and where the damaged file is.
    struct Rebuild: Encodable {
        var kept: Int
        var dropped: Int
        var damagedFile: String

        init(_ report: SQLiteEmbeddingStore.RebuildReport) {
            (kept, dropped, damagedFile) = (report.kept, report.dropped, report.damagedFile)
        }
    }

    var store: String
    var records = 0
    var corrupt = 0
    var repaired = 0
    /// Corrupt records that another process stored again while verify ran, left as they now are.
    var replaced = 0
    var corruptEntries: [CorruptEntry] = []
    /// Files of the store's own that no record referenced, removed by `--repair` (such as side
    /// files a crashed process wrote before it committed).
    var orphansRemoved = 0
    /// Present only when `--repair` rebuilt a damaged file; the other figures describe the new one.
    var rebuild: Rebuild?

    /// Whether corrupt records remain in the store.
    var corruptRemain: Bool { corrupt > repaired + replaced }

    /// Lines for people: each corrupt record, then the totals.
    var text: String {
        let lines = corruptEntries.map { entry in
            let name = entry.namespace
            let state = entry.repaired ? "corrupt, deleted" : "corrupt"
            return "\(state): \(name.model) | \(name.preprocessing) | \(name.storage) \(entry.digest)"
        }
        let rebuilt = rebuild.map { rebuild in
            [
                "\(store): the damaged file was rebuilt: \(rebuild.kept) records kept, \(rebuild.dropped) dropped; "
                    + "the damaged file is kept as \(rebuild.damagedFile)"
            ]
        }
        var again = replaced > 0 ? ", \(replaced) stored again meanwhile by another process and kept" : ""
        if orphansRemoved > 0 { again += ", \(orphansRemoved) orphaned side files removed" }
        let totals = "\(store): \(records) records verified, \(corrupt) corrupt, \(repaired) deleted\(again)"
        return ((rebuilt ?? []) + lines + [totals]).joined(separator: "\n")
    }
}
