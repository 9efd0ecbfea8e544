public import FoundationEssentials

/// Reads a `.safetensors` file held in memory: its named tensors, in offset order, and metadata.
///
/// It accepts what ``SafetensorsWriter`` writes and what the `safetensors` Python and Rust
/// libraries write: an 8-byte little-endian header length, a JSON header, then the tensor bytes.
///
/// ```swift
/// let file = try SafetensorsReader(data: Data(contentsOf: url))
/// let first = file.tensors.first { $0.name == "0/embedding" }?.tensor
/// ```
public struct SafetensorsReader {
    /// The tensors, sorted by their offset in the file.
    public let tensors: [(name: String, tensor: Tensor)]
    /// The `__metadata__` strings; empty when the file has none.
    public let metadata: [String: String]

    private struct Field: Decodable {
        var dtype: String
        var shape: [Int]
        var data_offsets: [Int]
    }

    private enum Entry: Decodable {
        case tensor(Field)
        case metadata([String: String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let field = try? container.decode(Field.self) {
                self = .tensor(field)
            } else {
                self = .metadata(try container.decode([String: String].self))
            }
        }
    }

    /// Parses a file.
    ///
    /// - Parameter data: The whole file.
    /// - Throws: ``EmbeddingCacheError/Code/invalidInput`` when the file is truncated, its header
    ///   is not valid JSON, a tensor's dtype is not a ``DType``, its offsets are negative, overlap another tensor's or do not fit
    ///   its dtype and shape or the file, or its shape has more than ``Tensor/maximumRank``
    ///   dimensions or a byte count that overflows.
    public init(data: Data) throws(EmbeddingCacheError) {
        guard data.count >= 8 else { throw Self.invalid("it is shorter than 8 bytes") }
        let length = data.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        guard length >= 0, length <= data.count - 8 else { throw Self.invalid("its header length exceeds the file") }
        let dataStart = data.startIndex + 8 + length
        let entries: [String: Entry]
        do {
            entries = try JSONDecoder().decode([String: Entry].self, from: data[(data.startIndex + 8)..<dataStart])
        } catch {
            throw Self.invalid("its header is not a safetensors JSON header")
        }
        var tensors: [(name: String, offset: Int, tensor: Tensor)] = []
        var metadata: [String: String] = [:]
        for (name, entry) in entries {
            switch entry {
            case .metadata(let values): metadata = values
            case .tensor(let field):
                guard field.data_offsets.count == 2, 0 <= field.data_offsets[0],
                    field.data_offsets[0] <= field.data_offsets[1], field.data_offsets[1] <= data.count - 8 - length
                else { throw Self.invalid("the offsets of '\(Self.shortened(name))' are out of range") }
                guard let dtype = DType(rawValue: field.dtype) else {
                    let known = DType.allCases.map(\.rawValue).joined(separator: ", ")
                    throw Self.invalid(
                        "'\(Self.shortened(name))' has dtype '\(Self.shortened(field.dtype))', not one of \(known)"
                    )
                }
                let bytes = data[(dataStart + field.data_offsets[0])..<(dataStart + field.data_offsets[1])]
                do {
                    let tensor = try Tensor(dtype: dtype, shape: field.shape, data: Data(bytes))
                    tensors.append((name, field.data_offsets[0], tensor))
                } catch {
                    throw Self.invalid("'\(Self.shortened(name))': \(error.message)")
                }
            }
        }
        tensors.sort { $0.offset < $1.offset }
        for (previous, next) in zip(tensors, tensors.dropFirst())
        where previous.offset + previous.tensor.data.count > next.offset {
            throw Self.invalid(
                "the bytes of '\(Self.shortened(previous.name))' and '\(Self.shortened(next.name))' overlap"
            )
        }
        self.tensors = tensors.map { ($0.name, $0.tensor) }
        self.metadata = metadata
    }

    /// A tensor name cut to a length fit for an error message.
    private static func shortened(_ name: String) -> String {
        name.count <= 80 ? name : name.prefix(80) + "…"
    }

    private static func invalid(_ reason: String) -> EmbeddingCacheError {
        EmbeddingCacheError(.invalidInput, "not a safetensors file: \(reason)")
    }
}
