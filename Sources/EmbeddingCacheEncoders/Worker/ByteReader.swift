import EmbeddingCache
import Foundation

/// Reads little-endian integers and byte runs from a message body, rejecting reads past its end.
struct ByteReader {
    private let data: Data
    private(set) var offset: Int

    /// A reader at the start of `data`.
    init(_ data: Data) {
        self.data = data
        offset = data.startIndex
    }

    /// Whether every byte has been read.
    var isAtEnd: Bool { offset == data.endIndex }

    /// Reads an unsigned little-endian integer of type `T`.
    mutating func integer<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, _ what: String) throws(WireError) -> T {
        let size = MemoryLayout<T>.size
        guard data.endIndex - offset >= size else { throw .truncated(what, needs: UInt64(size)) }
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { destination in
            data.copyBytes(to: destination.bindMemory(to: UInt8.self), from: offset..<(offset + size))
        }
        offset += size
        return T(littleEndian: value)
    }

    /// Reads `count` bytes.
    mutating func bytes(_ count: UInt64, _ what: String) throws(WireError) -> Data {
        guard count <= UInt64(data.endIndex - offset) else { throw .truncated(what, needs: count) }
        let end = offset + Int(count)
        defer { offset = end }
        return data.subdata(in: offset..<end)
    }

    /// Reads `count` bytes as UTF-8 text.
    mutating func text(_ count: UInt64, _ what: String) throws(WireError) -> String {
        let bytes = try bytes(count, what)
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw WireError(message: "\(what) is not valid UTF-8")
        }
        return text
    }
}

/// A message that breaks the wire format: truncated, or a field out of range.
struct WireError: Error {
    /// What is wrong, naming the field, never the content.
    let message: String

    /// A read of `what` that needs `needed` more bytes than the body holds.
    static func truncated(_ what: String, needs needed: UInt64) -> WireError {
        WireError(message: "truncated: \(what) needs \(needed) byte(s) more than the frame holds")
    }
}

/// Appends little-endian integers and byte runs to a message body.
struct ByteWriter {
    /// The bytes written so far.
    private(set) var data: Data

    /// A writer with room for `capacity` bytes.
    init(capacity: Int = 0) {
        data = Data()
        data.reserveCapacity(capacity)
    }

    /// Appends an integer, little-endian.
    mutating func integer<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    /// Appends raw bytes.
    mutating func bytes(_ bytes: Data) {
        data.append(bytes)
    }
}
