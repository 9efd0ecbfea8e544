internal import CEmbeddingCacheImageCodecs
public import EmbeddingCache
public import FoundationEssentials

/// Writes images as baseline JPEG through libjpeg, for tests, simulations and demos.
///
/// Writing is lossy: decoding the file gives pixels close to, but not equal to, the image. With an
/// orientation, the file carries an EXIF APP1 marker holding only that tag, and the stored pixels
/// are `image` as given: a decoder that honours the tag shows them transformed.
///
/// ```swift
/// let photo = try JPEGWriter(quality: 85, orientation: .right).encode(image)
/// ```
public struct JPEGWriter: Sendable {
    /// The quality, 1 to 100.
    public var quality: Int
    /// The EXIF orientation to record, or `nil` for no EXIF marker.
    public var orientation: ExifOrientation?

    /// Creates a writer.
    ///
    /// - Parameters:
    ///   - quality: The quality, 1 to 100; 90 by default.
    ///   - orientation: The EXIF orientation to record, or `nil` for no EXIF marker.
    public init(quality: Int = 90, orientation: ExifOrientation? = nil) {
        self.quality = quality
        self.orientation = orientation
    }

    /// Encodes an 8-bit grey or RGB image.
    ///
    /// - Parameter image: The image, stored as given.
    /// - Returns: The JPEG file's bytes.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` for a quality outside 1...100;
    ///   ``EmbeddingCacheError/Code/unsupported`` for 16-bit samples or an alpha channel.
    public func encode(_ image: DecodedImage) throws(EmbeddingCacheError) -> Data {
        guard (1...100).contains(quality) else {
            throw EmbeddingCacheError(.invalidArgument, "JPEG quality \(quality) is not in 1...100")
        }
        guard image.bitDepth == 8, image.layout == .grey || image.layout == .rgb else {
            throw EmbeddingCacheError(
                .unsupported,
                "JPEG holds 8-bit grey or RGB, not \(image.bitDepth)-bit \(image.layout.rawValue)"
            )
        }
        let marker = orientation?.exifPayload ?? []
        return try CodecOutput.encode(.jpeg) { output in
            marker.withUnsafeBufferPointer { marker in
                image.pixels.withUnsafeBytes { pixels in
                    embcache_jpeg_write(
                        pixels.bindMemory(to: UInt8.self).baseAddress,
                        UInt32(image.width),
                        UInt32(image.height),
                        image.rowBytes,
                        Int32(image.layout.channelCount),
                        Int32(quality),
                        marker.baseAddress,
                        marker.count,
                        output
                    )
                }
            }
        }
    }
}
