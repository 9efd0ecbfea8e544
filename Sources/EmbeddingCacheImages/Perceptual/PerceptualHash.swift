/// A 64-bit perceptual hash of an image: similar images get hashes a small Hamming distance apart.
///
/// A perceptual hash finds near-duplicates; it is never a cache key, because two different images
/// can share one. Bits are in the order of Python's `imagehash` library: the 8×8 bit matrix,
/// flattened row by row, its first bit the most significant, so ``hex`` prints what `str(hash)`
/// prints there.
///
/// ```swift
/// let first = PerceptualHash(of: image, algorithm: .phash)
/// let second = PerceptualHash(of: resaved, algorithm: .phash)
/// print(first.hex, first.distance(to: second))   // e.g. "c3d2… 2"
/// ```
public struct PerceptualHash: Hashable, Sendable, CustomStringConvertible {
    /// How a hash is computed from an image.
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        /// `imagehash.phash`: greyscale, a 32×32 Lanczos resize, the 2-D DCT-II, and a bit per
        /// coefficient of the top-left 8×8 telling whether it lies above their median.
        case phash
        /// `imagehash.dhash`: greyscale, a 9×8 Lanczos resize, and a bit per pixel telling whether
        /// it is brighter than its left neighbour.
        case dhash
    }

    /// The 64 bits, the first of `imagehash`'s flattened matrix the most significant.
    public let bits: UInt64

    /// Creates a hash from its bits.
    ///
    /// - Parameter bits: The bits, the first of the flattened matrix the most significant.
    public init(bits: UInt64) {
        self.bits = bits
    }

    /// Parses the 16 hexadecimal digits that ``hex`` (and `imagehash`'s `str(hash)`) prints.
    ///
    /// - Parameter hex: 16 hexadecimal digits, either case.
    /// - Returns: `nil` when `hex` is not 16 hexadecimal digits.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 16, hex.utf8.allSatisfy(\.isHexDigit), let bits = UInt64(hex, radix: 16) else {
            return nil
        }
        self.bits = bits
    }

    /// The hash as 16 lowercase hexadecimal digits, as `imagehash` prints it.
    public var hex: String {
        let digits = String(bits, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The hash as 16 hexadecimal digits.
    public var description: String { hex }

    /// The number of bits in which two hashes differ (their Hamming distance), from 0 to 64.
    ///
    /// - Parameter other: The other hash.
    /// - Returns: The distance; `imagehash` computes the same as `first - second`.
    public func distance(to other: PerceptualHash) -> Int {
        (bits ^ other.bits).nonzeroBitCount
    }

    /// Packs 64 bits, the first the most significant.
    static func packing(_ bits: some Sequence<Bool>) -> PerceptualHash {
        PerceptualHash(bits: bits.reduce(0) { $0 << 1 | ($1 ? 1 : 0) })
    }
}

extension UInt8 {
    /// Whether this UTF-8 code unit is an ASCII hexadecimal digit.
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
