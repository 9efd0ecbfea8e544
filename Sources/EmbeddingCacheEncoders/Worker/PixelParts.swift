import EmbeddingCache
import EmbeddingCacheImages
import Foundation

/// Inputs as a worker that asked for `"input": "pixels"` receives them: every part decoded.
///
/// A decoded part is `u32` width, `u32` height, `u8` channels (1 grey, 2 grey+alpha, 3 RGB,
/// 4 RGBA), `u8` bit depth (8 or 16), then the samples: rows top to bottom, interleaved, one byte
/// per sample at 8 bits and two big-endian bytes at 16 (`docs/worker-protocol.md`).
enum PixelParts {
    /// Bytes before the samples of a decoded part.
    static let headerSize = 10

    /// The input with each part replaced by its decoded image.
    ///
    /// - Throws: ``EmbeddingCacheError`` naming the input when a part is not a decodable image.
    static func decoded(_ input: EncoderInput, with decoder: ImageDecoder) throws(EmbeddingCacheError) -> EncoderInput {
        var parts = [Data]()
        for part in input.parts { parts.append(encoded(try decoder.decode(part, label: input.label))) }
        return EncoderInput(parts: parts, label: input.label)
    }

    /// One decoded image in the wire layout.
    static func encoded(_ image: DecodedImage) -> Data {
        var writer = ByteWriter(capacity: headerSize + image.pixels.count)
        writer.integer(UInt32(image.width))
        writer.integer(UInt32(image.height))
        writer.integer(UInt8(image.layout.channelCount))
        writer.integer(UInt8(image.bitDepth))
        writer.bytes(image.pixels)
        return writer.data
    }
}
