/// What an encoder promises to return for each input: tensor names, dtypes and shape rules.
///
/// The cache checks every encoded record against it before storing anything: the names in order,
/// each dtype, each rank, every fixed dimension, that dimensions sharing a name agree within one
/// record (a mask as long as its embeddings), and that float values are finite unless allowed.
///
/// ```swift
/// let schema = RecordSchema([
///     .init(name: "prompt_embeds", dtype: .float32, shape: [.variable("seq"), .fixed(3584)]),
///     .init(name: "prompt_embeds_mask", dtype: .bool, shape: [.variable("seq")]),
/// ])
/// ```
public struct RecordSchema: Hashable, Sendable, Codable {
    /// One dimension of a shape rule.
    public enum Dimension: Hashable, Sendable, Codable, CustomStringConvertible {
        /// A dimension that is always this size.
        case fixed(Int)
        /// A dimension that may vary between records; dimensions with the same name agree within one.
        case variable(String)

        /// The size, or the variable's name.
        public var description: String {
            switch self {
            case .fixed(let size): "\(size)"
            case .variable(let name): name
            }
        }

        /// Decodes an integer as ``fixed(_:)`` and a string as ``variable(_:)``.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let size = try? container.decode(Int.self) {
                self = .fixed(size)
            } else {
                self = .variable(try container.decode(String.self))
            }
        }

        /// Encodes ``fixed(_:)`` as an integer and ``variable(_:)`` as a string.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .fixed(let size): try container.encode(size)
            case .variable(let name): try container.encode(name)
            }
        }
    }

    /// The rule for one named tensor.
    public struct Field: Hashable, Sendable, Codable {
        /// The tensor's name in the record.
        public var name: String
        /// Its dtype as the encoder returns it.
        public var dtype: DType
        /// Its shape rule; the rank is the number of dimensions.
        public var shape: [Dimension]

        /// Creates a field rule.
        ///
        /// - Parameters:
        ///   - name: The tensor's name.
        ///   - dtype: Its dtype.
        ///   - shape: Its shape rule.
        public init(name: String, dtype: DType, shape: [Dimension]) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
        }
    }

    /// The tensors, in record order.
    public var fields: [Field]
    /// Whether float tensors may hold NaN or infinity.
    public var allowsNonFinite: Bool

    /// Creates a schema.
    ///
    /// - Parameters:
    ///   - fields: The tensors, in order.
    ///   - allowsNonFinite: Whether NaN and infinity are accepted; `false` by default.
    public init(_ fields: [Field], allowsNonFinite: Bool = false) {
        self.fields = fields
        self.allowsNonFinite = allowsNonFinite
    }

    /// A schema for one float32 vector named `embedding`.
    ///
    /// - Parameter dimension: The vector's length.
    /// - Returns: The schema.
    public static func embedding(dimension: Int) -> RecordSchema {
        RecordSchema([Field(name: "embedding", dtype: .float32, shape: [.fixed(dimension)])])
    }
}
