import EmbeddingCache
import EmbeddingCacheImages
import FoundationEssentials

/// The deterministic photo-like image generator of `Scripts/imagehash_reference.py` (`synthetic`),
/// rebuilt byte for byte: a bilinear blend of three colours, rectangles and discs, and per-pixel
/// noise, in integer arithmetic only. The test vectors are imagehash's hashes of these images.
enum SyntheticImage {
    /// SplitMix64's first value for the seed `value`: a well-mixed function of it.
    static func mix(_ value: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: value)
        return generator.next()
    }

    /// The RGB samples of image `seed`, `height` rows of `width` pixels.
    static func rgb(seed: Int, width: Int, height: Int) -> [UInt8] {
        var counter: UInt64 = 0
        // The next value of the image's sequence, reduced modulo `modulus` as a 64-bit number.
        func draw(_ modulus: Int) -> Int {
            counter += 1
            return Int(mix(UInt64(seed) &* 1_000_003 &+ counter) % UInt64(modulus))
        }
        let left = (0..<3).map { _ in draw(256) }
        let right = (0..<3).map { _ in draw(256) }
        let bottom = (0..<3).map { _ in draw(256) }
        var pixels = [Int](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    let across = (left[c] * (width - 1 - x) + right[c] * x) / (width - 1)
                    pixels[(y * width + x) * 3 + c] = (across * (height - 1 - y) + bottom[c] * y) / (height - 1)
                }
            }
        }
        for _ in 0..<(3 + draw(5)) {
            let kind = draw(2)
            let x0 = draw(width)
            let y0 = draw(height)
            let extent = 1 + draw(max(1, max(width, height) / 2))
            let colour = (0..<3).map { _ in draw(256) }
            for y in 0..<height {
                for x in 0..<width {
                    let inside =
                        kind == 0
                        ? x >= x0 && x < x0 + extent && y >= y0 && y < y0 + extent * 2 / 3 + 1
                        : (x - x0) * (x - x0) + (y - y0) * (y - y0) <= extent * extent / 4
                    if inside { for c in 0..<3 { pixels[(y * width + x) * 3 + c] = colour[c] } }
                }
            }
        }
        let amplitude = draw(24)
        return pixels.indices.map { index in
            let key = UInt64(seed) &* 2_654_435_761 &+ UInt64(index)
            let noise = Int(mix(key) % UInt64(2 * amplitude + 1)) - amplitude
            return UInt8(clamping: pixels[index] + noise)
        }
    }

    /// Image `seed` as an 8-bit RGB ``DecodedImage``.
    static func image(seed: Int, width: Int, height: Int) -> DecodedImage {
        DecodedImage(
            width: width,
            height: height,
            layout: .rgb,
            bitDepth: 8,
            pixels: Data(rgb(seed: seed, width: width, height: height))
        )
    }
}
