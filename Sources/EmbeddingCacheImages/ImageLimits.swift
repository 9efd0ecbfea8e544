/// Hard limits on what the decoder agrees to decode, checked against the file's header before any
/// pixel memory is allocated, so that a small file declaring a huge image (a decompression bomb)
/// is refused instead of exhausting memory.
///
/// The defaults follow Pillow's `Image.MAX_IMAGE_PIXELS` (about 89.5 million pixels, a quarter of
/// a gibibyte of 24-bit pixels); lower them for services that take untrusted uploads.
///
/// ```swift
/// var limits = ImageLimits()
/// limits.maxPixelCount = 16_000_000
/// let image = try ImageDecoder(limits: limits).decode(bytes, label: path)
/// ```
public struct ImageLimits: Sendable, Hashable {
    /// The largest width, and the largest height, in pixels.
    public var maxDimension = 65_535
    /// The largest number of pixels, width × height.
    public var maxPixelCount = 89_478_485
    /// The largest decoded size in bytes, width × height × channels × bytes per sample.
    public var maxDecodedBytes = 1 << 30
    /// The most scans a progressive JPEG may have; each scan costs a pass over the whole image.
    public var maxProgressiveScans = 500

    /// The default limits.
    public init() {}
}
