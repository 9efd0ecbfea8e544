/// Reading and writing the orientation tag in a JPEG's EXIF APP1 marker.
///
/// The marker's payload is `Exif\0\0` followed by a TIFF structure: a byte-order mark (`II` little-
/// endian or `MM` big-endian), the number 42, and the offset of the first IFD from the start of the
/// TIFF structure. The IFD is a 16-bit entry count followed by 12-byte entries (tag, type, count,
/// value or offset); the orientation is tag 0x0112, type SHORT (3), its value in the entry's first
/// two value bytes.
extension ExifOrientation {
    /// The six bytes that open an EXIF APP1 payload: `Exif` and two zero bytes.
    static let exifHeader: [UInt8] = Array("Exif".utf8) + [0, 0]

    /// The orientation tag's number.
    static let tag: UInt16 = 0x0112

    /// Whether an APP1 payload holds EXIF data (rather than XMP, say).
    static func isExifPayload(_ payload: UnsafeRawBufferPointer) -> Bool {
        payload.starts(with: exifHeader)
    }

    /// Reads the orientation from an EXIF APP1 payload, checking every offset against its length.
    ///
    /// - Parameter payload: The marker's bytes after its length field.
    /// - Returns: The orientation, or `nil` when the payload is not EXIF, is malformed, has no
    ///   orientation tag in its first IFD, or holds a value outside 1...8.
    init?(exifPayload payload: UnsafeRawBufferPointer) {
        guard Self.isExifPayload(payload) else { return nil }
        let tiff = UnsafeRawBufferPointer(rebasing: payload[Self.exifHeader.count...])
        let bigEndian: Bool
        switch (tiff.first, tiff.dropFirst().first) {
        case (UInt8(ascii: "I"), UInt8(ascii: "I")): bigEndian = false
        case (UInt8(ascii: "M"), UInt8(ascii: "M")): bigEndian = true
        default: return nil
        }
        func uint16(_ offset: Int) -> UInt16? {
            guard offset >= 0, offset <= tiff.count - 2 else { return nil }
            let (first, second) = (UInt16(tiff[offset]), UInt16(tiff[offset + 1]))
            return bigEndian ? first << 8 | second : second << 8 | first
        }
        func uint32(_ offset: Int) -> UInt32? {
            guard let first = uint16(offset), let second = uint16(offset + 2) else { return nil }
            return bigEndian ? UInt32(first) << 16 | UInt32(second) : UInt32(second) << 16 | UInt32(first)
        }
        guard uint16(2) == 42, let ifd = uint32(4).map(Int.init), let count = uint16(ifd) else { return nil }
        for entry in 0..<Int(count) {
            let offset = ifd + 2 + 12 * entry
            guard let tag = uint16(offset) else { return nil }
            guard tag == Self.tag else { continue }
            guard uint16(offset + 2) == 3, let value = uint16(offset + 8) else { return nil }
            self.init(rawValue: Int(value))
            return
        }
        return nil
    }

    /// An EXIF APP1 payload holding only this orientation, in big-endian (`MM`) TIFF order.
    var exifPayload: [UInt8] {
        func bytes<Integer: FixedWidthInteger>(_ value: Integer) -> [UInt8] {
            withUnsafeBytes(of: value.bigEndian, Array.init)
        }
        return Self.exifHeader + Array("MM".utf8) + bytes(UInt16(42)) + bytes(UInt32(8))  // TIFF header
            + bytes(UInt16(1))  // one entry
            + bytes(Self.tag) + bytes(UInt16(3)) + bytes(UInt32(1)) + bytes(UInt16(rawValue)) + bytes(UInt16(0))
            + bytes(UInt32(0))  // no next IFD
    }
}
