/// The identity that a cache entry's vectors belong to: which model, which preprocessing, and in what
/// precision the values are stored.
///
/// A change to any field is a new namespace, and so a complete miss by construction: an upgraded
/// model, a new resize or a down-cast storage policy never sees another namespace's vectors.
///
/// ```swift
/// let namespace = Namespace(model: "facebook/dinov2-small@main", preprocessing: "resize224-center-crop")
/// ```
public struct Namespace: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The model identity, such as a name with a revision, or a digest of the weights.
    public var model: String
    /// The preprocessing identity, such as a name or a digest of the configuration.
    public var preprocessing: String
    /// The precision in which float tensors are stored.
    public var storage: StoragePolicy

    /// Creates a namespace.
    ///
    /// - Parameters:
    ///   - model: The model identity.
    ///   - preprocessing: The preprocessing identity.
    ///   - storage: The storage precision; lossless by default.
    public init(model: String, preprocessing: String, storage: StoragePolicy = .lossless) {
        self.model = model
        self.preprocessing = preprocessing
        self.storage = storage
    }

    /// The namespace with another storage policy.
    ///
    /// - Parameter policy: The storage policy.
    /// - Returns: A namespace that differs from this one in ``storage`` only.
    public func storing(_ policy: StoragePolicy) -> Namespace {
        var copy = self
        copy.storage = policy
        return copy
    }

    /// `model | preprocessing | storage`.
    public var description: String { "\(model) | \(preprocessing) | \(storage)" }
}
