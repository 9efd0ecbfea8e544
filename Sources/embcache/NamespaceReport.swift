import EmbeddingCache

/// A namespace as `--json` reports print it: `{"model", "preprocessing", "storage"}`.
struct NamespaceReport: Encodable {
    var model: String
    var preprocessing: String
    var storage: String

    init(_ namespace: Namespace) {
        model = namespace.model
        preprocessing = namespace.preprocessing
        storage = namespace.storage.rawValue
    }
}
