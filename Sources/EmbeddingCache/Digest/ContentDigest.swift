/// The SHA-256 digest that addresses an input's content.
///
/// For a single input it is exactly the SHA-256 of the input's bytes, what `sha256sum` prints for a
/// file holding them. Composite inputs use ``ContentDigest/composite(_:)``. The digest never
/// depends on a file's path or modification time.
///
/// ```swift
/// let digest = ContentDigest(of: Data("hello".utf8))
/// print(digest.hex) // 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
/// ```
public struct ContentDigest: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number of bytes in a digest.
    public static let byteCount = 32

    // Four little-endian words: cheap to hash and compare, no heap storage.
    @usableFromInline var words: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a digest from its 32 raw bytes.
    ///
    /// - Parameter bytes: Exactly 32 bytes, in the order SHA-256 produces them.
    /// - Returns: `nil` when `bytes` does not hold exactly 32 bytes.
    @inlinable
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { raw in
            // One copy when the bytes are contiguous (arrays, Data, a database's buffer); a database
            // row decodes thousands of digests per batch, so this is not a byte-by-byte loop.
            let copied: Void? = bytes.withContiguousStorageIfAvailable {
                raw.copyMemory(from: UnsafeRawBufferPointer($0))
            }
            if copied == nil {
                for (index, byte) in bytes.enumerated() { raw[index] = byte }
            }
        }
        self.words = words
    }

    /// Parses a digest from 64 hexadecimal characters (either case).
    ///
    /// - Parameter hex: The digest as `sha256sum` prints it.
    /// - Returns: `nil` when `hex` is not 64 hexadecimal characters.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == Self.byteCount * 2 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(Self.byteCount)
        for index in stride(from: 0, to: utf8.count, by: 2) {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.init(bytes: bytes)
    }

    /// The 32 raw bytes, in the order SHA-256 produces them.
    public var bytes: [UInt8] {
        Swift.withUnsafeBytes(of: words) { Array($0) }
    }

    /// The digest as 64 lowercase hexadecimal characters, as `sha256sum` prints it.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        return Swift.withUnsafeBytes(of: words) { raw in
            String(unsafeUninitializedCapacity: Self.byteCount * 2) { buffer in
                for (index, byte) in raw.enumerated() {
                    buffer[2 * index] = digits[Int(byte >> 4)]
                    buffer[2 * index + 1] = digits[Int(byte & 0x0f)]
                }
                return Self.byteCount * 2
            }
        }
    }

    /// The hexadecimal form, ``hex``.
    public var description: String { hex }

    /// Calls `body` with the 32 raw bytes, without copying them.
    ///
    /// - Parameter body: A closure that reads the bytes; the pointer is valid only inside it.
    /// - Returns: What `body` returns.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: words, body)
    }

    /// Compares digests in the bytewise order of their raw bytes.
    public static func < (lhs: ContentDigest, rhs: ContentDigest) -> Bool {
        lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { right in left.lexicographicallyPrecedes(right) } }
    }

    /// Compares all 32 bytes.
    public static func == (lhs: ContentDigest, rhs: ContentDigest) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    /// Hashes the digest; its bytes are already uniformly distributed.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
    }

    /// The hash value sets and dictionaries use: the first word, mixed with the table's seed by
    /// splitmix64's finalizer, without building a `Hasher`.
    ///
    /// This is `Hashable`'s underscored customization point, the one the standard library's own
    /// integers implement. A warm pass claims, deduplicates and releases every key through
    /// dictionaries, and a `Hasher` per digest cost more than those dictionaries' other work. The
    /// word is already uniformly distributed; the seeded mix keeps crafted inputs from choosing
    /// their buckets, since the seed is random per process and the mix spreads every bit.
    public func _rawHashValue(seed: Int) -> Int {
        var mixed = words.0 ^ UInt64(UInt(bitPattern: seed))
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: mixed ^ (mixed >> 31))
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
