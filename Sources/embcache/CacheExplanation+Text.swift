import EmbeddingCache

extension CacheExplanation {
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
