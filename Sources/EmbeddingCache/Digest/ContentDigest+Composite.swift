internal import Crypto
public import FoundationEssentials

extension ContentDigest {
    /// The domain-separation tag that opens every composite framing.
    ///
    /// It is 24 bytes: the ASCII text `embcache/composite/v1` followed by three zero bytes.
    public static let compositeTag: [UInt8] = Array("embcache/composite/v1".utf8) + [0, 0, 0]

    /// The digest of an ordered list of parts, such as an image, its control images and a prompt.
    ///
    /// The parts are framed injectively, so no two different lists produce the same bytes:
    ///
    ///     SHA-256( tag ‖ u64le(part count) ‖ for each part: u64le(byte count) ‖ bytes )
    ///
    /// where `tag` is ``compositeTag``. Lengths are unsigned 64-bit little-endian. Reordering the
    /// parts, moving bytes across a boundary or adding an empty part all change the digest.
    /// `docs/digests.md` lists test vectors.
    ///
    /// ```swift
    /// let key = ContentDigest.composite([imageBytes, Data(prompt.utf8)])
    /// ```
    ///
    /// - Parameter parts: The parts, in order; a part may be empty.
    /// - Returns: The composite digest.
    public static func composite(_ parts: [Data]) -> ContentDigest {
        var hasher = SHA256()
        hasher.update(data: compositeTag)
        hasher.update(littleEndian: UInt64(parts.count))
        for part in parts {
            hasher.update(littleEndian: UInt64(part.count))
            hasher.update(data: part)
        }
        return ContentDigest(sha256: hasher.finalize())
    }
}

extension SHA256 {
    fileprivate mutating func update(littleEndian value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { update(bufferPointer: $0) }
    }
}
