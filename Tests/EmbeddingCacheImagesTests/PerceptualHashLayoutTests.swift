import EmbeddingCacheImages
import FoundationEssentials
import Testing

/// Every channel layout and bit depth hashes as Pillow's `convert("L")` sees it: alpha ignored
/// (imagehash gives an RGBA or LA image the hash of its colour or grey channels; checked with
/// imagehash 4.3), and a 16-bit sample taken by its high byte (the documented definition).
@Suite struct PerceptualHashLayoutTests {
    static let vector = PerceptualHashVectorTests.vectors[0]
    static let rgb = vector.rgb
    static let alpha = (0..<(vector.width * vector.height)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }

    static func image(_ layout: DecodedImage.Layout, bitDepth: Int = 8, _ samples: [UInt8]) -> DecodedImage {
        DecodedImage(width: vector.width, height: vector.height, layout: layout, bitDepth: bitDepth, pixels: Data(samples))
    }

    /// Interleaves `channels` samples per pixel from `colour` with one alpha sample per pixel.
    static func withAlpha(_ colour: [UInt8], channels: Int) -> [UInt8] {
        alpha.indices.flatMap { colour[($0 * channels)..<($0 * channels + channels)] + [alpha[$0]] }
    }

    @Test(arguments: PerceptualHash.Algorithm.allCases) func rgbaIgnoresAlpha(_ algorithm: PerceptualHash.Algorithm) {
        let rgba = Self.image(.rgba, Self.withAlpha(Self.rgb, channels: 3))
        let expected = algorithm == .phash ? Self.vector.phash : Self.vector.dhash
        #expect(PerceptualHash(of: rgba, algorithm: algorithm).hex == expected)
    }

    @Test(arguments: PerceptualHash.Algorithm.allCases) func greyAlphaIgnoresAlpha(_ algorithm: PerceptualHash.Algorithm) {
        let red = stride(from: 0, to: Self.rgb.count, by: 3).map { Self.rgb[$0] }
        let greyAlpha = Self.image(.greyAlpha, Self.withAlpha(red, channels: 1))
        let expected = algorithm == .phash ? Self.vector.greyPhash : Self.vector.greyDhash
        #expect(PerceptualHash(of: greyAlpha, algorithm: algorithm).hex == expected)
    }

    @Test(arguments: PerceptualHash.Algorithm.allCases) func sixteenBitUsesTheHighByte(_ algorithm: PerceptualHash.Algorithm) {
        // Big-endian samples whose high byte is the 8-bit image's and whose low byte varies.
        let wide = Self.rgb.enumerated().flatMap { [$1, UInt8(truncatingIfNeeded: $0 &* 101)] }
        let expected = algorithm == .phash ? Self.vector.phash : Self.vector.dhash
        #expect(PerceptualHash(of: Self.image(.rgb, bitDepth: 16, wide), algorithm: algorithm).hex == expected)
    }
}

/// The hash value: hexadecimal form and Hamming distance.
@Suite struct PerceptualHashValueTests {
    @Test func hexIsSixteenDigitsMostSignificantBitFirst() {
        #expect(PerceptualHash(bits: 1).hex == "0000000000000001")
        #expect(PerceptualHash(bits: 1 << 63).hex == "8000000000000000")
        #expect(PerceptualHash(hex: "c3d2a0ff00010203")?.bits == 0xC3D2_A0FF_0001_0203)
        #expect(PerceptualHash(hex: "C3D2A0FF00010203")?.hex == "c3d2a0ff00010203")
    }

    @Test(arguments: ["", "123", "c3d2a0ff000102030", "+3d2a0ff00010203", "g3d2a0ff00010203"])
    func malformedHexIsRejected(_ text: String) {
        #expect(PerceptualHash(hex: text) == nil)
    }

    @Test func distanceCountsDifferingBits() {
        let zero = PerceptualHash(bits: 0)
        #expect(zero.distance(to: PerceptualHash(bits: 0b1011)) == 3)
        #expect(zero.distance(to: PerceptualHash(bits: .max)) == 64)
        #expect(PerceptualHash(bits: 0xF0).distance(to: PerceptualHash(bits: 0xF0)) == 0)
    }
}
