/// Why an input hits or misses: its digest, the namespaces holding it, and those that differ from
/// the encoder's in one field only, so that a changed preprocessing shows as such.
///
/// ```swift
/// let (stored, holders) = try await CacheExplanation.holders(of: digest, in: store)
/// let explanation = CacheExplanation(path: path, digest: digest, namespace: cache.namespace,
///                                    stored: stored, holders: holders)
/// print(explanation.verdict)
/// ```
public struct CacheExplanation: Encodable, Sendable {
    /// A namespace of the store that differs from the encoder's in exactly one field.
    public struct NearNamespace: Encodable, Sendable {
        /// The namespace.
        public var namespace: NamespaceReport
        /// `model`, `preprocessing` or `storage`.
        public var differsIn: String
        /// Whether it holds the input.
        public var holdsInput: Bool
    }

    /// The input's path.
    public var path: String
    /// The input's digest, in hexadecimal.
    public var digest: String
    /// The encoder's namespace.
    public var namespace: NamespaceReport
    /// Whether the encoder's namespace holds the input.
    public var hit: Bool
    /// Every namespace holding the input.
    public var holders: [NamespaceReport]
    /// The namespaces differing from the encoder's in one field only.
    public var nearNamespaces: [NearNamespace]
    /// One sentence for people: hit, or why the input misses.
    public var verdict: String

    /// Explains `digest` under `namespace`, given the store's namespaces and those holding the digest.
    ///
    /// - Parameters:
    ///   - path: The input's path, for the report.
    ///   - digest: The input's digest.
    ///   - namespace: The encoder's namespace.
    ///   - stored: Every namespace of the store.
    ///   - holders: The namespaces holding `digest`.
    public init(
        path: String,
        digest: ContentDigest,
        namespace: Namespace,
        stored: [Namespace],
        holders: [Namespace]
    ) {
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

    /// The namespaces of `store`, and those of them that hold `digest`.
    ///
    /// - Parameters:
    ///   - digest: The input's digest.
    ///   - store: The store to search; nothing is written.
    /// - Returns: Every namespace of the store, and those holding the digest.
    /// - Throws: The store's error.
    public static func holders(
        of digest: ContentDigest,
        in store: any EmbeddingStore
    ) async throws -> (stored: [Namespace], holders: [Namespace]) {
        let stored = try await store.statistics().namespaces.map(\.namespace)
        var holders: [Namespace] = []
        for candidate in stored where try await store.records(for: [digest], in: candidate)[0] != nil {
            holders.append(candidate)
        }
        return (stored, holders)
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
}
