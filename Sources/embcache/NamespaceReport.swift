import EmbeddingCache

/// A namespace as `--json` reports print it: `{"model", "preprocessing", "storage"}`.
struct NamespaceReport: Codable {
    var model: String
    var preprocessing: String
    var storage: String

    init(_ namespace: Namespace) {
        model = namespace.model
        preprocessing = namespace.preprocessing
        storage = namespace.storage.rawValue
    }

    /// The namespace these fields name, or `nil` for an unknown storage policy.
    var namespace: Namespace? {
        StoragePolicy(rawValue: storage).map { Namespace(model: model, preprocessing: preprocessing, storage: $0) }
    }
}
