import EmbeddingCache

/// What `verify` found: its `--json` object, also printed as lines for people.
struct VerifyReport: Encodable {
    /// One corrupt record: where it is, never what it holds.
    struct CorruptEntry: Encodable {
        var namespace: NamespaceReport
        var digest: String
        var repaired: Bool
    }

    var store: String
    var records = 0
    var corrupt = 0
    var repaired = 0
    var corruptEntries: [CorruptEntry] = []

    /// Whether corrupt records remain in the store.
    var corruptRemain: Bool { corrupt > repaired }

    /// Lines for people: each corrupt record, then the totals.
    var text: String {
        let lines = corruptEntries.map { entry in
            let name = entry.namespace
            let state = entry.repaired ? "corrupt, deleted" : "corrupt"
            return "\(state): \(name.model) | \(name.preprocessing) | \(name.storage) \(entry.digest)"
        }
        return (lines + ["\(store): \(records) records verified, \(corrupt) corrupt, \(repaired) deleted"])
            .joined(separator: "\n")
    }
}
