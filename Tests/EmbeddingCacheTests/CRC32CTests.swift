internal import CEmbeddingCacheChecksum
import EmbeddingCache
import Foundation
import Testing

/// The library's plain CRC32C, which sums three stretches of its input at once and joins their
/// CRCs, against the bitwise definition: every length around the word (8), group (24) and stretch
/// (3 × 256, 3 × 8192 bytes) sizes, and beyond a record chunk (1 MiB).
struct CRC32CTests {
    static let lengths = [
        0, 1, 7, 8, 9, 23, 24, 25, 255, 256, 767, 768, 769, 1023, 8191, 8192, 24575, 24576, 24577,
        24576 + 768, 24576 + 767, 49152 + 1535, 1 << 20, (1 << 20) + 1, (1 << 20) + 24581,
    ]

    /// Random bytes from a fixed seed, so a failure reproduces.
    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }

    @Test func theCheckValue() {
        let bytes = Array("123456789".utf8)
        #expect(embcache_crc32c(0, bytes, bytes.count) == 0xE306_9283)
    }

    @Test(arguments: lengths)
    func equalsTheBitwiseDefinition(length: Int) {
        let bytes = Self.randomBytes(length + 3, seed: UInt64(length))
        // At three alignments: the hardware path loads unaligned words.
        for offset in 0..<3 {
            let slice = bytes[offset..<offset + length]
            let expected = BitwiseCRC32C.crc(slice)
            let found = slice.withUnsafeBytes { embcache_crc32c(0, $0.baseAddress, $0.count) }
            #expect(found == expected, "length \(length), offset \(offset)")
        }
    }

    @Test func randomLengthsEqualTheBitwiseDefinition() {
        let bytes = Self.randomBytes(100_000, seed: 7)
        var lengths = Self.randomBytes(200, seed: 8).map(Int.init)
        lengths += Self.randomBytes(100, seed: 9).map { Int($0) * 389 }
        for length in lengths {
            let found = bytes.withUnsafeBytes { embcache_crc32c(0, $0.baseAddress, length) }
            #expect(found == BitwiseCRC32C.crc(bytes[..<length]), "length \(length)")
        }
    }

    @Test func continuingACRCEqualsSummingTheWhole() {
        let bytes = Self.randomBytes(3 * 24576 + 100, seed: 10)
        let whole = BitwiseCRC32C.crc(bytes)
        for split in [0, 1, 24575, 24577, 50_000, bytes.count] {
            let first = bytes.withUnsafeBytes { embcache_crc32c(0, $0.baseAddress, split) }
            let both = bytes.withUnsafeBytes { embcache_crc32c(first, $0.baseAddress! + split, bytes.count - split) }
            #expect(both == whole, "split at \(split)")
        }
    }
}
