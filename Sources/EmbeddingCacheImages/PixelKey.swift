public import EmbeddingCache

/// The second key for image inputs: the ``DecodedImage/pixelDigest`` of the decoded, upright
/// pixels.
///
/// Set it as the cache's secondary key in front of an encoder that reads only decoded pixels, and a
/// file re-saved with identical pixels (another PNG compression level, added metadata) is served
/// the record of its twin instead of being encoded again.
///
/// ```swift
/// var configuration = EmbeddingCache.Configuration()
/// configuration.secondaryKey = PixelKey()
/// ```
///
/// It is safe only for encoders whose ``EmbeddingEncoder/inputView`` is
/// ``EncoderInputView/decodedPixels``: a pipeline that reads ICC profiles, EXIF metadata or the
/// compressed bytes can give two files with the same pixels different records.
public struct PixelKey: SecondaryKey {
    /// The decoder, with its limits.
    public var decoder: ImageDecoder

    /// Creates the key.
    ///
    /// - Parameter decoder: The decoder, with its limits.
    public init(decoder: ImageDecoder = ImageDecoder()) {
        self.decoder = decoder
    }

    /// ``EncoderInputView/decodedPixels``.
    public var inputView: EncoderInputView { .decodedPixels }

    /// Decodes the input's bytes and digests the pixels.
    ///
    /// - Parameter input: A single input: a PNG or JPEG file's bytes.
    /// - Returns: The pixel digest.
    /// - Throws: The decoder's ``EmbeddingCacheError``, naming the input's label.
    public func digest(of input: EncoderInput) throws(EmbeddingCacheError) -> ContentDigest {
        try decoder.decode(input.bytes, label: input.label).pixelDigest
    }
}
