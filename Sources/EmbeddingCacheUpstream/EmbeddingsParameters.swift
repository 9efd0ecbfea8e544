public import EmbeddingCache

/// Every field of an embeddings request except its inputs: what the upstream's answer depends on.
///
/// `model` and every other field (`dimensions`, and fields OpenAI does not define, such as an
/// `input_type` some servers read) are sent upstream as given and are part of the cache key;
/// `encoding_format` and `user` change neither the vectors nor the key and are not kept here.
///
/// ```swift
/// let parameters = EmbeddingsParameters(model: "text-embedding-3-small", fields: ["dimensions": .integer(256)])
/// let namespace = parameters.namespace(for: .text, statedIdentity: nil)
/// ```
public struct EmbeddingsParameters: Hashable, Sendable {
    /// The request's `model` string.
    public var model: String
    /// The other fields that change the output, by name; never `input`, `encoding_format` or `user`.
    public var fields: [String: JSONValue]

    /// The fields of a request that never change its vectors, and so are neither keyed nor kept.
    public static let fieldsOutsideTheKey: Set<String> = ["input", "encoding_format", "user"]

    /// Creates parameters.
    ///
    /// - Parameters:
    ///   - model: The `model` string.
    ///   - fields: The other fields; any named in ``fieldsOutsideTheKey`` or `model` is dropped.
    public init(model: String, fields: [String: JSONValue] = [:]) {
        self.model = model
        self.fields = fields.filter { !Self.fieldsOutsideTheKey.contains($0.key) && $0.key != "model" }
    }

    /// The `dimensions` asked for, when the request names a whole number.
    public var dimensions: Int? {
        fields["dimensions"]?.integerValue.flatMap { Int(exactly: $0) }
    }

    /// The namespace items of this request are cached in.
    ///
    /// The model identity is the `model` string, followed by the upstream's own statement of what
    /// it serves when it makes one (added to the string, never replacing it). The preprocessing
    /// identity is ``EmbeddingCache/Namespace/preprocessingIdentity(_:)`` over the input kind and the
    /// canonical JSON of every other field.
    ///
    /// - Parameters:
    ///   - kind: Whether the items are texts or token ids.
    ///   - statedIdentity: What the upstream states it serves (such as a weights digest), if anything.
    /// - Returns: The namespace.
    public func namespace(for kind: EmbeddingsInputKind, statedIdentity: String?) -> Namespace {
        var configuration = fields.mapValues(\.canonicalText)
        configuration["input"] = kind.rawValue
        let model = statedIdentity.map { "\(self.model) @ \($0)" } ?? self.model
        return Namespace(model: model, preprocessing: Namespace.preprocessingIdentity(configuration))
    }
}

/// What the items of an embeddings request are.
public enum EmbeddingsInputKind: String, Hashable, Sendable {
    /// UTF-8 texts.
    case text
    /// Lists of token ids.
    case tokens
}
