import EmbeddingCacheImages
import FoundationEssentials

/// Images made in the tests, and the obvious pixel transforms the orientation tests compare with.
enum TestImages {
    /// A deterministic image with smooth gradients and some texture, so that JPEG keeps it
    /// recognisable and no two pixels of a row are alike.
    static func gradient(width: Int, height: Int, layout: DecodedImage.Layout, bitDepth: Int = 8) -> DecodedImage {
        var samples = [UInt8]()
        let maximum = (1 << bitDepth) - 1
        for y in 0..<height {
            for x in 0..<width {
                for channel in 0..<layout.channelCount {
                    let value = ((x * 9 + y * 5 + channel * 70 + (x * y) % 7) % 401) * maximum / 400
                    if bitDepth == 16 { samples.append(UInt8(value >> 8)) }
                    samples.append(UInt8(value & 0xFF))
                }
            }
        }
        return DecodedImage(width: width, height: height, layout: layout, bitDepth: bitDepth, pixels: Data(samples))
    }

    /// The image built pixel by pixel: output pixel (x, y) of a `width` × `height` image is the
    /// source's pixel at `source(x, y)`.
    static func remapped(
        _ image: DecodedImage,
        width: Int,
        height: Int,
        _ source: (Int, Int) -> (x: Int, y: Int)
    ) -> DecodedImage {
        let pixelBytes = image.layout.channelCount * image.bitDepth / 8
        let bytes = Array(image.pixels)
        var output = [UInt8]()
        for y in 0..<height {
            for x in 0..<width {
                let (sourceX, sourceY) = source(x, y)
                let start = (sourceY * image.width + sourceX) * pixelBytes
                output += bytes[start..<start + pixelBytes]
            }
        }
        return DecodedImage(
            width: width,
            height: height,
            layout: image.layout,
            bitDepth: image.bitDepth,
            pixels: Data(output)
        )
    }

    /// Turned a quarter clockwise: the bottom-left pixel becomes the top-left one.
    static func rotatedClockwise(_ image: DecodedImage) -> DecodedImage {
        remapped(image, width: image.height, height: image.width) { x, y in (y, image.height - 1 - x) }
    }

    /// Mirrored left to right.
    static func mirrored(_ image: DecodedImage) -> DecodedImage {
        remapped(image, width: image.width, height: image.height) { x, y in (image.width - 1 - x, y) }
    }
}
