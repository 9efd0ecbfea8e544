import EmbeddingCache

/// Why an input hits or misses: the `explain --json` object, also printed as lines for people.
struct ExplainReport: Encodable {
    /// A namespace of the store that differs from the encoder's in exactly one field.
    struct NearNamespace: Encodable {
        var namespace: NamespaceReport
        /// `model`, `preprocessing` or `storage`.
        var differsIn: String
        var holdsInput: Bool
    }

    var path: String
    var digest: String
    var namespace: NamespaceReport
    var hit: Bool
    var holders: [NamespaceReport]
    var nearNamespaces: [NearNamespace]
    var verdict: String

    /// Explains `digest` under `namespace`, given the store's namespaces and those holding the digest.
    init(path: String, digest: ContentDigest, namespace: Namespace, stored: [Namespace], holders: [Namespace]) {
        self.path = path
        self.digest = digest.hex
        self.namespace = NamespaceReport(namespace)
        hit = holders.contains(namespace)
        self.holders = holders.map(NamespaceReport.init)
        nearNamespaces = stored.compactMap { other in
            Self.soleDifference(namespace, other).map {
                NearNamespace(namespace: NamespaceReport(other), differsIn: $0, holdsInput: holders.contains(other))
            }
        }
        verdict = Self.verdict(hit: hit, holders: holders, near: nearNamespaces)
    }

    /// The one field in which `other` differs from `namespace`, or `nil` for none or several.
    private static func soleDifference(_ namespace: Namespace, _ other: Namespace) -> String? {
        let differences = [
            ("model", namespace.model != other.model),
            ("preprocessing", namespace.preprocessing != other.preprocessing),
            ("storage", namespace.storage != other.storage),
        ].filter(\.1)
        return differences.count == 1 ? differences[0].0 : nil
    }

    private static func verdict(hit: Bool, holders: [Namespace], near: [NearNamespace]) -> String {
        if hit { return "hit: the encoder's namespace holds this input" }
        if let closest = near.first(where: \.holdsInput) {
            let name = closest.namespace
            return
                "miss: this input is cached under a namespace that differs only in \(closest.differsIn) (\(name.model) | \(name.preprocessing) | \(name.storage)): the \(closest.differsIn) changed"
        }
        if !holders.isEmpty { return "miss: this input is cached only under other encoders" }
        return "miss: no namespace holds this input (never embedded with these bytes, edited since, or pruned)"
    }

    /// Lines for people.
    var text: String {
        func line(_ name: NamespaceReport) -> String { "\(name.model) | \(name.preprocessing) | \(name.storage)" }
        var lines = ["\(path): sha256 \(digest)", "encoder namespace: \(line(namespace))", verdict]
        lines += holders.map { "held by: \(line($0))" }
        lines += nearNamespaces.map {
            "differs only in \($0.differsIn): \(line($0.namespace))\($0.holdsInput ? " (holds this input)" : "")"
        }
        return lines.joined(separator: "\n")
    }
}
