/// A namespace as JSON reports and export indexes write it: `{"model", "preprocessing", "storage"}`.
///
/// Unlike ``Namespace``, it holds the storage policy as text, so a report or an index naming a
/// policy this version does not know still decodes; ``namespace`` then is `nil`.
///
/// ```swift
/// let report = NamespaceReport(cache.namespace)
/// assert(report.namespace == cache.namespace)
/// ```
public struct NamespaceReport: Codable, Sendable, Equatable {
    /// The model identity.
    public var model: String
    /// The preprocessing identity.
    public var preprocessing: String
    /// The storage policy's raw value, such as `lossless`.
    public var storage: String

    /// The fields of `namespace`.
    ///
    /// - Parameter namespace: The namespace to describe.
    public init(_ namespace: Namespace) {
        model = namespace.model
        preprocessing = namespace.preprocessing
        storage = namespace.storage.rawValue
    }

    /// The namespace these fields name, or `nil` for an unknown storage policy.
    public var namespace: Namespace? {
        StoragePolicy(rawValue: storage).map { Namespace(model: model, preprocessing: preprocessing, storage: $0) }
    }
}
