import CLibPNG
import EmbeddingCache
import EmbeddingCacheImages
import FoundationEssentials

/// How `near-duplicates` decodes an image file: the one place to switch to EmbeddingCacheImages'
/// own decoder (PNG and JPEG, EXIF orientation, size limits) once it is available.
///
/// Until then this stand-in reads PNG files only, through libpng's simplified API, as 8-bit RGBA
/// (which is all a perceptual hash looks at); a JPEG or any other file fails as undecodable.
enum NearDuplicatesDecoding {
    /// The most pixels a stand-in decode accepts, so a decompression bomb is refused before its
    /// pixels are allocated.
    static let maximumPixels = 128 * 1024 * 1024

    /// Decodes the image file at `path`.
    ///
    /// - Parameter path: The file.
    /// - Returns: The decoded image.
    /// - Throws: ``EmbeddingCacheError/Code/invalidInput`` naming the file when it is not a PNG
    ///   file, is corrupt or truncated, or is larger than ``maximumPixels``.
    static func decodeForHashing(path: String) throws(EmbeddingCacheError) -> DecodedImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else { throw failure(path, image) }
        let width = Int(image.width)
        let height = Int(image.height)
        guard width * height <= maximumPixels else {
            png_image_free(&image)
            throw EmbeddingCacheError(
                .invalidInput,
                "cannot decode '\(path)': \(width)×\(height) pixels is more than the \(maximumPixels) allowed",
                input: path
            )
        }
        image.format = PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA
        var pixels = Data(count: width * height * 4)
        let finished = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard finished != 0 else { throw failure(path, image) }
        return DecodedImage(width: width, height: height, layout: .rgba, bitDepth: 8, pixels: pixels)
    }

    /// The error for a failed read, with libpng's reason.
    private static func failure(_ path: String, _ image: png_image) -> EmbeddingCacheError {
        let reason = withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return EmbeddingCacheError(.invalidInput, "cannot decode '\(path)' as PNG: \(reason)", input: path)
    }
}
