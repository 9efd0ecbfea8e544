import FoundationEssentials

extension Namespace {
    /// A model identity derived from a weights file: `sha256:` and the file's SHA-256.
    ///
    /// Deriving the identity from the weights means an edited or replaced weights file is a new
    /// namespace even when nobody changes a version string.
    ///
    /// ```swift
    /// let model = try Namespace.modelIdentity(ofFileAt: "model.safetensors")
    /// ```
    ///
    /// - Parameter path: The weights file.
    /// - Returns: The identity.
    /// - Throws: ``EmbeddingCacheError/Code/inputUnreadable`` naming the file.
    public static func modelIdentity(ofFileAt path: String) throws(EmbeddingCacheError) -> String {
        "sha256:" + (try ContentDigest(ofFileAt: path)).hex
    }

    /// A preprocessing identity derived from a configuration: `sha256:` and a digest of its
    /// canonical encoding.
    ///
    /// The encoding is the ``ContentDigest/composite(_:)`` of `key₁, value₁, key₂, value₂, …` with
    /// keys sorted bytewise, so equal configurations always agree and any changed value differs.
    ///
    /// ```swift
    /// let preprocessing = Namespace.preprocessingIdentity(["resize": "224", "crop": "center"])
    /// ```
    ///
    /// - Parameter configuration: The preprocessing parameters.
    /// - Returns: The identity.
    public static func preprocessingIdentity(_ configuration: [String: String]) -> String {
        let sorted = configuration.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
        let parts = sorted.flatMap { [Data($0.key.utf8), Data($0.value.utf8)] }
        return "sha256:" + ContentDigest.composite(parts).hex
    }
}
