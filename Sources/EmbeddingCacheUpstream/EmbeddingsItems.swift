public import Foundation

/// The inputs of one upstream embeddings call: texts, or lists of token ids.
///
/// Token ids are cached under their canonical bytes (each id as a little-endian `UInt32`), so the
/// same list always has the same key; ``tokenIDs(fromKeyBytes:)`` reads them back.
///
/// ```swift
/// let items = EmbeddingsItems.tokens([[1, 2, 3]])
/// let bytes = EmbeddingsItems.keyBytes(ofTokenIDs: [1, 2, 3])
/// ```
public enum EmbeddingsItems: Sendable, Hashable {
    /// Texts, sent as a JSON array of strings.
    case texts([String])
    /// Lists of token ids, sent as a JSON array of arrays of integers.
    case tokens([[UInt32]])

    /// How many inputs there are.
    public var count: Int {
        switch self {
        case .texts(let texts): texts.count
        case .tokens(let lists): lists.count
        }
    }

    /// Whether these are texts or token ids.
    public var kind: EmbeddingsInputKind {
        switch self {
        case .texts: .text
        case .tokens: .tokens
        }
    }

    /// The inputs from `range`.
    ///
    /// - Parameter range: Positions of inputs.
    /// - Returns: Those inputs, in order.
    public func slice(_ range: Range<Int>) -> EmbeddingsItems {
        switch self {
        case .texts(let texts): .texts(Array(texts[range]))
        case .tokens(let lists): .tokens(Array(lists[range]))
        }
    }

    /// The inputs as the `input` field of a request.
    public var json: JSONValue {
        switch self {
        case .texts(let texts): .array(texts.map(JSONValue.string))
        case .tokens(let lists): .array(lists.map { .array($0.map { .integer(Int64($0)) }) })
        }
    }

    /// The bytes a list of token ids is keyed by: each id as a little-endian `UInt32`.
    ///
    /// - Parameter ids: The token ids.
    /// - Returns: Four bytes per id.
    public static func keyBytes(ofTokenIDs ids: [UInt32]) -> Data {
        var data = Data(capacity: ids.count * 4)
        for id in ids { withUnsafeBytes(of: id.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// Reads token ids back from ``keyBytes(ofTokenIDs:)``.
    ///
    /// - Parameter bytes: Four bytes per id.
    /// - Returns: The ids, or `nil` when the length is not a multiple of four.
    public static func tokenIDs(fromKeyBytes bytes: Data) -> [UInt32]? {
        guard bytes.count % 4 == 0 else { return nil }
        return stride(from: 0, to: bytes.count, by: 4).map { offset in
            let start = bytes.startIndex + offset
            return bytes[start..<start + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }
    }
}
