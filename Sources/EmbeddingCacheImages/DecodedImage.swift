public import FoundationEssentials

/// An image decoded to interleaved samples, upright (EXIF orientation already applied).
///
/// Rows run top to bottom, pixels left to right, channels in ``Layout`` order. Samples are one
/// byte at a bit depth of 8 and two bytes, big-endian (PNG's own order), at a bit depth of 16.
public struct DecodedImage: Sendable, Hashable {
    /// The channels of each pixel, in order.
    public enum Layout: String, Sendable, Hashable, CaseIterable {
        /// One grey channel.
        case grey
        /// Grey, then alpha.
        case greyAlpha = "grey+alpha"
        /// Red, green, blue.
        case rgb
        /// Red, green, blue, alpha.
        case rgba

        /// The number of channels.
        public var channelCount: Int {
            switch self {
            case .grey: 1
            case .greyAlpha: 2
            case .rgb: 3
            case .rgba: 4
            }
        }
    }

    /// Pixels per row.
    public let width: Int
    /// Rows.
    public let height: Int
    /// The channels of each pixel.
    public let layout: Layout
    /// Bits per sample: 8 or 16.
    public let bitDepth: Int
    /// The samples, `width × height × channels × bitDepth / 8` bytes.
    public let pixels: Data

    /// Creates an image from its samples.
    ///
    /// - Parameters:
    ///   - width: Pixels per row, at least 1.
    ///   - height: Rows, at least 1.
    ///   - layout: The channels of each pixel.
    ///   - bitDepth: 8 or 16.
    ///   - pixels: Exactly `width × height × channels × bitDepth / 8` bytes.
    public init(width: Int, height: Int, layout: Layout, bitDepth: Int, pixels: Data) {
        precondition(width > 0 && height > 0, "an image has at least one pixel")
        precondition(bitDepth == 8 || bitDepth == 16, "the bit depth is 8 or 16")
        precondition(pixels.count == width * height * layout.channelCount * bitDepth / 8, "pixel count")
        self.width = width
        self.height = height
        self.layout = layout
        self.bitDepth = bitDepth
        self.pixels = pixels
    }

    /// Bytes per row.
    public var rowBytes: Int { width * layout.channelCount * bitDepth / 8 }
}
