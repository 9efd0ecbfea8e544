public import EmbeddingCache
public import FoundationEssentials

/// Decodes PNG and JPEG files to upright, interleaved samples, through libpng and libjpeg-turbo.
///
/// The format is sniffed from the first bytes, never taken from a file name. PNG: every colour type
/// at every bit depth, interlaced or not; a palette becomes RGB (RGBA when a `tRNS` chunk gives
/// transparency), grey below 8 bits is scaled to 8 bits (bit replication: 1-bit 1 becomes 255),
/// a `tRNS` chunk on grey or RGB becomes an alpha channel, and 16-bit samples stay 16-bit. JPEG:
/// grey, and YCbCr or RGB decoded to RGB (libjpeg's default IDCT and upsampling); the EXIF
/// orientation (tag 0x0112 of the first `Exif` APP1 marker) is applied to the pixels. Samples are
/// raw: no gamma, ICC or colour conversion.
///
/// ```swift
/// let image = try ImageDecoder().decode(try Data(contentsOf: url), label: url.path)
/// print(image.width, image.height, image.layout, image.bitDepth)
/// ```
public struct ImageDecoder: Sendable, Hashable {
    /// What the decoder agrees to decode.
    public var limits: ImageLimits

    /// Creates a decoder.
    ///
    /// - Parameter limits: What the decoder agrees to decode; Pillow-like defaults.
    public init(limits: ImageLimits = ImageLimits()) {
        self.limits = limits
    }

    /// Decodes one image.
    ///
    /// - Parameters:
    ///   - bytes: The file's bytes.
    ///   - label: The input's name in errors, such as its path.
    /// - Returns: The upright image.
    /// - Throws: ``EmbeddingCacheError`` naming `label`: ``EmbeddingCacheError/Code/unsupported``
    ///   for bytes that are neither PNG nor JPEG and for CMYK or YCCK JPEGs;
    ///   ``EmbeddingCacheError/Code/invalidInput`` for a corrupt or truncated file and for an image
    ///   beyond ``limits``, refused before its pixels are allocated.
    public func decode(_ bytes: Data, label: String) throws(EmbeddingCacheError) -> DecodedImage {
        guard let format = ImageFormat(sniffing: bytes) else {
            throw EmbeddingCacheError(
                .unsupported,
                "'\(label)' is not a PNG or JPEG image (the format is recognised from the first bytes)",
                input: label
            )
        }
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(EmbeddingCacheError) -> DecodedImage in
                switch format {
                case .png: try decodePNG(raw, label: label)
                case .jpeg: try decodeJPEG(raw, label: label)
                }
            }
        }
        return try result.get()
    }

    /// Checks a header's dimensions against ``limits`` and returns the decoded size in bytes.
    func checkedByteCount(
        width: Int,
        height: Int,
        channels: Int,
        bitDepth: Int,
        format: ImageFormat,
        label: String
    ) throws(EmbeddingCacheError) -> Int {
        func refuse(_ what: String) -> EmbeddingCacheError {
            EmbeddingCacheError(
                .invalidInput,
                "refused '\(label)': its \(format.rawValue) header declares \(width)×\(height) pixels, \(what) "
                    + "(a decompression bomb, or an image beyond the decoder's limits)",
                input: label
            )
        }
        guard width > 0, height > 0 else { throw Self.corrupt(format, label, "the header declares no pixels") }
        guard width <= limits.maxDimension, height <= limits.maxDimension else {
            throw refuse("above the limit of \(limits.maxDimension) per side (ImageLimits.maxDimension)")
        }
        let pixelCount = width.multipliedReportingOverflow(by: height)
        guard !pixelCount.overflow, pixelCount.partialValue <= limits.maxPixelCount else {
            throw refuse("above the limit of \(limits.maxPixelCount) pixels (ImageLimits.maxPixelCount)")
        }
        let byteCount = pixelCount.partialValue.multipliedReportingOverflow(by: channels * bitDepth / 8)
        guard !byteCount.overflow, byteCount.partialValue <= limits.maxDecodedBytes else {
            throw refuse("above the limit of \(limits.maxDecodedBytes) decoded bytes (ImageLimits.maxDecodedBytes)")
        }
        return byteCount.partialValue
    }

    /// The error for a file the codec library rejects.
    static func corrupt(_ format: ImageFormat, _ label: String, _ reason: String) -> EmbeddingCacheError {
        EmbeddingCacheError(
            .invalidInput,
            "cannot decode '\(label)' as \(format.rawValue): \(reason) (a corrupt or truncated file)",
            input: label
        )
    }

    /// The error when memory for the codec's state runs out.
    static func outOfMemory(_ label: String) -> EmbeddingCacheError {
        EmbeddingCacheError(.invalidInput, "cannot decode '\(label)': out of memory", input: label)
    }
}
