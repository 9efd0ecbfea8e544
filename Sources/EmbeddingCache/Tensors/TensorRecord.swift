/// An ordered set of named tensors produced by one encoder call on one input.
///
/// A plain embedding is a record with one tensor; a training sample may hold latents, prompt
/// embeddings and a mask. Names are unique within a record and their order is kept.
///
/// ```swift
/// let record = try TensorRecord([("prompt_embeds", embeds), ("prompt_embeds_mask", mask)])
/// let embeds = record["prompt_embeds"]
/// ```
public struct TensorRecord: Hashable, Sendable {
    /// The tensors, in order, with their names.
    public let tensors: [(name: String, tensor: Tensor)]

    /// Creates a record.
    ///
    /// - Parameter tensors: Name and tensor pairs, in order; names must be unique, non-empty and
    ///   at most ``maximumNameLength`` UTF-8 bytes long.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` for an empty, repeated or too long name.
    public init(_ tensors: [(name: String, tensor: Tensor)]) throws(EmbeddingCacheError) {
        var seen = Set<String>()
        for (name, _) in tensors {
            guard name.utf8.count <= Self.maximumNameLength else {
                throw EmbeddingCacheError(
                    .invalidArgument,
                    "a tensor name of \(name.utf8.count) bytes is over the \(Self.maximumNameLength)-byte limit (it starts '\(name.prefix(40))')"
                )
            }
            guard !name.isEmpty, seen.insert(name).inserted else {
                throw EmbeddingCacheError(.invalidArgument, "tensor names must be unique and non-empty (got '\(name)')")
            }
        }
        self.tensors = tensors
    }

    /// The longest tensor name, in UTF-8 bytes: the record encoding keeps its length in two bytes.
    public static let maximumNameLength = Int(UInt16.max)

    /// A record holding one tensor, named `embedding` by default.
    ///
    /// - Parameters:
    ///   - tensor: The tensor.
    ///   - name: Its name.
    public init(single tensor: Tensor, name: String = "embedding") {
        self.tensors = [(name, tensor)]
    }

    init(unchecked tensors: [(name: String, tensor: Tensor)]) {
        self.tensors = tensors
    }

    /// The tensor with `name`, or `nil`.
    public subscript(name: String) -> Tensor? {
        tensors.first { $0.name == name }?.tensor
    }

    /// The tensor names, in order.
    public var names: [String] { tensors.map(\.name) }

    /// The total number of tensor bytes.
    public var byteCount: Int { tensors.reduce(0) { $0 + $1.tensor.data.count } }

    /// Compares names, order and tensors.
    public static func == (lhs: TensorRecord, rhs: TensorRecord) -> Bool {
        lhs.tensors.count == rhs.tensors.count
            && zip(lhs.tensors, rhs.tensors).allSatisfy { $0.name == $1.name && $0.tensor == $1.tensor }
    }

    /// Hashes names and tensors.
    public func hash(into hasher: inout Hasher) {
        for (name, tensor) in tensors {
            hasher.combine(name)
            hasher.combine(tensor)
        }
    }
}
