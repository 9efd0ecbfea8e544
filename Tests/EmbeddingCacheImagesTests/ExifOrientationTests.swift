import FoundationEssentials
import Testing

@testable import EmbeddingCacheImages

@Suite struct ExifOrientationTests {
    /// An EXIF payload with `entries` (tag, type, value) in IFD0, in either byte order.
    static func payload(bigEndian: Bool, entries: [(UInt16, UInt16, UInt16)], ifdOffset: UInt32 = 8) -> [UInt8] {
        func u16(_ value: UInt16) -> [UInt8] {
            bigEndian ? [UInt8(value >> 8), UInt8(value & 0xFF)] : [UInt8(value & 0xFF), UInt8(value >> 8)]
        }
        func u32(_ value: UInt32) -> [UInt8] {
            bigEndian
                ? u16(UInt16(value >> 16)) + u16(UInt16(value & 0xFFFF))
                : u16(UInt16(value & 0xFFFF)) + u16(UInt16(value >> 16))
        }
        var tiff = Array((bigEndian ? "MM" : "II").utf8) + u16(42) + u32(ifdOffset)
        tiff += u16(UInt16(entries.count))
        for (tag, type, value) in entries { tiff += u16(tag) + u16(type) + u32(1) + u16(value) + u16(0) }
        return Array("Exif".utf8) + [0, 0] + tiff + u32(0)
    }

    static func parse(_ bytes: [UInt8]) -> ExifOrientation? {
        bytes.withUnsafeBytes { ExifOrientation(exifPayload: $0) }
    }

    @Test(arguments: [false, true])
    func readsTheTagInEitherByteOrder(bigEndian: Bool) {
        for value in 1...8 {
            let entries: [(UInt16, UInt16, UInt16)] = [(0x010F, 3, 77), (0x0112, 3, UInt16(value)), (0x0131, 3, 5)]
            #expect(Self.parse(Self.payload(bigEndian: bigEndian, entries: entries))?.rawValue == value)
        }
    }

    @Test func malformedPayloadsGiveNoOrientation() {
        let good = Self.payload(bigEndian: true, entries: [(0x0112, 3, 6)])
        #expect(Self.parse(good) == .right)
        // Truncations are read safely: nothing until the value's two bytes are in, then the value
        // (the entry's padding and the next-IFD offset are never read).
        let valueEnd = 6 + 8 + 2 + 10
        for length in 0..<valueEnd { #expect(Self.parse(Array(good.prefix(length))) == nil) }
        for length in valueEnd...good.count { #expect(Self.parse(Array(good.prefix(length))) == .right) }
        #expect(Self.parse(Self.payload(bigEndian: true, entries: [(0x0112, 3, 0)])) == nil)
        #expect(Self.parse(Self.payload(bigEndian: true, entries: [(0x0112, 3, 9)])) == nil)
        #expect(Self.parse(Self.payload(bigEndian: true, entries: [(0x0112, 4, 6)])) == nil)  // LONG, not SHORT
        #expect(Self.parse(Self.payload(bigEndian: true, entries: [(0x0110, 3, 6)])) == nil)  // no orientation
        #expect(Self.parse(Self.payload(bigEndian: true, entries: [(0x0112, 3, 6)], ifdOffset: 4000)) == nil)
        #expect(Self.parse(Self.payload(bigEndian: true, entries: [(0x0112, 3, 6)], ifdOffset: 0xFFFF_FFFF)) == nil)
        var wrongMagic = good
        wrongMagic[9] = 43
        #expect(Self.parse(wrongMagic) == nil)
        #expect(Self.parse(Array("http://ns.adobe.com/xap/1.0/\u{0}".utf8)) == nil)
    }

    @Test func theWrittenPayloadReadsBack() {
        for orientation in ExifOrientation.allCases {
            #expect(Self.parse(orientation.exifPayload) == orientation)
        }
    }
}
