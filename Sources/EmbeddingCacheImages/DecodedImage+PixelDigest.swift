internal import Crypto
public import EmbeddingCache

extension DecodedImage {
    /// The domain-separation tag that opens every pixel-digest framing: the 18 ASCII bytes
    /// `embcache/pixels/v1` followed by six zero bytes (24 bytes in all).
    public static let pixelDigestTag: [UInt8] = Array("embcache/pixels/v1".utf8) + [0, 0, 0, 0, 0, 0]

    /// The SHA-256 of the decoded pixels, framed with their shape, as a second key for images.
    ///
    /// Two files with the same upright pixels, such as one PNG saved at two compression levels or
    /// with and without text chunks, have the same pixel digest; any changed sample, dimension,
    /// channel layout or bit depth changes it. The framing is
    ///
    ///     SHA-256( tag ‖ u64le(width) ‖ u64le(height) ‖ u64le(len(layout)) ‖ layout
    ///              ‖ u64le(bit depth) ‖ samples )
    ///
    /// where `tag` is ``pixelDigestTag``, `layout` is the ASCII name of ``Layout`` (`grey`,
    /// `grey+alpha`, `rgb` or `rgba`) and `samples` are ``pixels`` as they are: interleaved, rows
    /// top to bottom, 16-bit samples big-endian. The tag keeps a pixel digest from ever equalling a
    /// byte digest or a composite digest. `docs/digests.md` lists test vectors.
    ///
    /// ```swift
    /// let key = try ImageDecoder().decode(bytes, label: path).pixelDigest
    /// ```
    ///
    /// - Complexity: O(n) in the pixel bytes, at SHA-256 speed.
    public var pixelDigest: ContentDigest {
        var header = Self.pixelDigestTag
        func append(_ value: Int) { withUnsafeBytes(of: UInt64(value).littleEndian) { header += $0 } }
        append(width)
        append(height)
        append(layout.rawValue.utf8.count)
        header += layout.rawValue.utf8
        append(bitDepth)
        var hasher = SHA256()
        hasher.update(data: header)
        hasher.update(data: pixels)
        return hasher.finalize().withUnsafeBytes { ContentDigest(bytes: $0)! }
    }
}
