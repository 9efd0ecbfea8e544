public import FoundationEssentials

/// The binary encoding of a ``TensorRecord`` as stores keep it.
///
/// All integers are little-endian:
///
///     "ECR3"                       4 bytes, magic and format version
///                                  ("ECR2" and "ECR1" in records written before format 3: same
///                                  layout, read as well; see ``RecordChecksum`` for what the
///                                  version changes)
///     u32 tensor count
///     per tensor: u16 name byte count, UTF-8 name, u8 dtype code, u8 rank, u64 × rank dimensions
///     zero padding to a multiple of 16 bytes
///     per tensor: its bytes, then zero padding to a multiple of 16 bytes
///
/// Tensor data starts 16-byte aligned, so decoding shares the payload's memory instead of copying.
public enum RecordCodec {
    /// The record format versions: 1 (`ECR1`), 2 (`ECR2`) and 3 (`ECR3`, written since).
    public enum FormatVersion: Int, Sendable, Comparable {
        /// Checksums seeded with the namespace's description text; chunks summed in three lanes.
        case v1 = 1
        /// Checksums seeded with the namespace's parts, each framed with its length; chunks summed
        /// in three lanes.
        case v2 = 2
        /// Checksums seeded as in version 2; each chunk summed with plain CRC32C.
        case v3 = 3

        /// The version records are written in.
        public static let current = FormatVersion.v3

        /// The four bytes a payload of this version starts with.
        var magic: [UInt8] { Array("ECR\(rawValue)".utf8) }
        /// The magic as the little-endian word a reader loads.
        var magicWord: UInt32 { UInt32(littleEndian: magic.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }) }

        /// Orders versions by number.
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    static let alignment = 16
    private static let v1Word = FormatVersion.v1.magicWord
    private static let v2Word = FormatVersion.v2.magicWord
    private static let v3Word = FormatVersion.v3.magicWord

    /// The format version a payload states in its first four bytes, or `nil` for none known.
    ///
    /// - Parameter payload: A stored payload.
    /// - Returns: Its version, or `nil` when it starts with no known magic.
    public static func version(of payload: Data) -> FormatVersion? {
        guard payload.count >= 4 else { return nil }
        let word = UInt32(littleEndian: payload.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
        switch word {
        case v3Word: return .v3
        case v2Word: return .v2
        case v1Word: return .v1
        default: return nil
        }
    }

    /// Encodes a record.
    ///
    /// - Parameter record: The record.
    /// - Returns: The payload.
    public static func encode(_ record: TensorRecord) -> Data {
        encode(record, version: .current)
    }

    /// Encodes a record in a given format version (an older one only to test readers of old stores
    /// and their migration).
    ///
    /// - Parameters:
    ///   - record: The record.
    ///   - version: The format version whose magic the payload starts with.
    /// - Returns: The payload.
    public static func encode(_ record: TensorRecord, version: FormatVersion) -> Data {
        var header = [UInt8]()
        header.reserveCapacity(16 + record.tensors.count * 48)
        header += version.magic
        header.appendLittleEndian(UInt32(record.tensors.count))
        for (name, tensor) in record.tensors {
            let nameBytes = Array(name.utf8)
            header.appendLittleEndian(UInt16(nameBytes.count))
            header += nameBytes
            header.append(tensor.dtype.code)
            header.append(UInt8(tensor.shape.count))
            for dimension in tensor.shape { header.appendLittleEndian(UInt64(dimension)) }
        }
        let headerSize = padded(header.count)
        let total = record.tensors.reduce(headerSize) { $0 + padded($1.tensor.data.count) }
        var payload = Data(count: total)
        payload.withUnsafeMutableBytes { raw in
            raw.copyBytes(from: header)
            var offset = headerSize
            for (_, tensor) in record.tensors {
                tensor.data.withUnsafeBytes { source in
                    UnsafeMutableRawBufferPointer(rebasing: raw[offset..<offset + source.count]).copyMemory(
                        from: source
                    )
                }
                offset += padded(tensor.data.count)
            }
        }
        return payload
    }

    /// Decodes a payload, sharing its memory for the tensors' bytes.
    ///
    /// - Parameter payload: A payload made by ``encode(_:)``.
    /// - Returns: The record.
    /// - Throws: ``EmbeddingCacheError/Code/corruptRecord`` when the payload is malformed.
    public static func decode(_ payload: Data) throws(EmbeddingCacheError) -> TensorRecord {
        guard let record = decodeIfValid(payload) else {
            throw EmbeddingCacheError(.corruptRecord, "a stored record is malformed (\(payload.count) bytes)")
        }
        return record
    }

    /// Parses the header into tensors whose bytes are placeholders, then points each at its slice
    /// of the payload once the header's end (where the first tensor starts) is known. A warm read
    /// decodes every record it serves, so this allocates only the tensor list and each shape.
    private static func decodeIfValid(_ payload: Data) -> TensorRecord? {
        guard let (parsed, headerEnd) = payload.withUnsafeBytes({ parseHeader($0) }) else { return nil }
        var tensors = parsed
        var offset = padded(headerEnd)
        let base = payload.startIndex
        for index in tensors.indices {
            let tensor = tensors[index].tensor
            // The header's parse checked that this product does not overflow.
            let byteCount = Tensor.elementCount(of: tensor.shape)! * tensor.dtype.byteWidth
            guard byteCount <= payload.count - offset else { return nil }
            let data = payload[(base + offset)..<(base + offset + byteCount)]
            tensors[index].tensor = Tensor(unchecked: tensor.dtype, shape: tensor.shape, data: data)
            offset += padded(byteCount)
        }
        guard offset == payload.count else { return nil }
        return TensorRecord(unchecked: tensors)
    }

    /// The header's tensors, each with empty data, and the offset where the header ends.
    private static func parseHeader(
        _ raw: UnsafeRawBufferPointer
    ) -> (tensors: [(name: String, tensor: Tensor)], end: Int)? {
        var reader = ByteReader(raw)
        guard let magic = reader.read(UInt32.self), magic == v3Word || magic == v2Word || magic == v1Word,
            let count = reader.read(UInt32.self)
        else { return nil }
        var tensors = [(name: String, tensor: Tensor)]()
        tensors.reserveCapacity(Int(min(count, 64)))
        for _ in 0..<count {
            guard let nameLength = reader.read(UInt16.self),
                let nameBytes = reader.read(count: Int(nameLength)),
                let dtypeCode = reader.read(UInt8.self), let dtype = DType(code: dtypeCode),
                let rank = reader.read(UInt8.self), let shape = reader.readDimensions(Int(rank)),
                let elements = Tensor.elementCount(of: shape),
                !elements.multipliedReportingOverflow(by: dtype.byteWidth).overflow
            else { return nil }
            let name = String(decoding: nameBytes, as: UTF8.self)
            tensors.append((name, Tensor(unchecked: dtype, shape: shape, data: Data())))
        }
        return (tensors, reader.offset)
    }

    static func padded(_ count: Int) -> Int {
        (count + alignment - 1) / alignment * alignment
    }
}

extension [UInt8] {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

/// A bounds-checked cursor over raw bytes.
struct ByteReader {
    let raw: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

    mutating func read<T: FixedWidthInteger>(_ type: T.Type) -> T? {
        guard offset + MemoryLayout<T>.size <= raw.count else { return nil }
        defer { offset += MemoryLayout<T>.size }
        return T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func read(count: Int) -> UnsafeRawBufferPointer.SubSequence? {
        guard count >= 0, offset + count <= raw.count else { return nil }
        defer { offset += count }
        return raw[offset..<offset + count]
    }

    /// Reads `rank` u64 dimensions, or `nil` when they run past the end or exceed `Int.max`.
    mutating func readDimensions(_ rank: Int) -> [Int]? {
        guard offset + rank * 8 <= raw.count else { return nil }
        let start = offset
        offset += rank * 8
        var valid = true
        let shape = [Int](unsafeUninitializedCapacity: rank) { buffer, initialized in
            for index in 0..<rank {
                let word = raw.loadUnaligned(fromByteOffset: start + index * 8, as: UInt64.self)
                let dimension = UInt64(littleEndian: word)
                valid = valid && dimension <= UInt64(Int.max)
                buffer[index] = Int(truncatingIfNeeded: dimension)
            }
            initialized = rank
        }
        return valid ? shape : nil
    }
}
