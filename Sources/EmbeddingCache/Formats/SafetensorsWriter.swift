public import FoundationEssentials

/// Lays out a `.safetensors` file: declare every tensor, then write ``header()`` followed by the
/// tensors' bytes in declaration order.
///
/// The file is an 8-byte little-endian header length, a JSON header mapping each tensor name to
/// its `dtype`, `shape` and `data_offsets` (begin and end, relative to the end of the header), an
/// optional `__metadata__` object of string values, spaces padding the header to a multiple of 8
/// bytes, then the tensor bytes back to back. Because offsets are computed from declared shapes,
/// the bytes can be streamed (for instance into a spool file) while the header is built and the
/// header written in front of them at the end; nothing requires the tensors in memory at once.
///
/// `embcache embed --output FILE.safetensors` names the tensors `<row>/<tensor name>`, where
/// `<row>` is the zero-based input index: `0/embedding`, `1/embedding`, …
///
/// ```swift
/// var layout = SafetensorsWriter(metadata: ["format": "pt"])
/// try layout.declare("0/embedding", dtype: tensor.dtype, shape: tensor.shape)
/// try handle.write(contentsOf: try layout.header())
/// try handle.write(contentsOf: tensor.data)
/// ```
public struct SafetensorsWriter {
    /// Free-form string metadata written as `__metadata__` when not empty.
    public var metadata: [String: String]
    /// The total size of the tensor bytes declared so far.
    public private(set) var dataByteCount = 0

    private var entries: [String] = []
    private var names: Set<String> = []

    /// Creates an empty layout.
    ///
    /// - Parameter metadata: The `__metadata__` strings; none by default.
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Declares the next tensor, whose bytes follow the previous tensor's in the file.
    ///
    /// - Parameters:
    ///   - name: The tensor's unique name; not `__metadata__`.
    ///   - dtype: Its dtype.
    ///   - shape: Its shape.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` for a repeated or reserved name.
    public mutating func declare(_ name: String, dtype: DType, shape: [Int]) throws(EmbeddingCacheError) {
        guard name != "__metadata__", names.insert(name).inserted else {
            throw EmbeddingCacheError(.invalidArgument, "safetensors name '\(name)' is reserved or repeated")
        }
        let end = dataByteCount + shape.reduce(dtype.byteWidth, *)
        let dimensions = shape.map(String.init).joined(separator: ",")
        entries.append(
            "\(Self.quoted(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(dimensions)],\"data_offsets\":[\(dataByteCount),\(end)]}"
        )
        dataByteCount = end
    }

    /// The file's beginning: the header length and the JSON header, padded with spaces.
    ///
    /// - Returns: The bytes that precede the tensor data.
    /// - Complexity: O(n) in the number of declared tensors.
    public func header() -> Data {
        var fields = entries
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(Self.quoted($0.key)):\(Self.quoted($0.value))" }
            fields.insert("\"__metadata__\":{\(pairs.joined(separator: ","))}", at: 0)
        }
        var json = Array("{\(fields.joined(separator: ","))}".utf8)
        json.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - json.count % 8) % 8))
        var bytes = Data(count: 8)
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(json.count).littleEndian, as: UInt64.self) }
        bytes.append(contentsOf: json)
        return bytes
    }

    /// A JSON string literal for `text`.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
