import EmbeddingCache
import EmbeddingCacheImages
import FoundationEssentials
import Testing

@Suite struct PixelDigestTests {
    struct Vector: Sendable, CustomStringConvertible {
        let width: Int
        let height: Int
        let layout: DecodedImage.Layout
        let bitDepth: Int
        let pixels: [UInt8]
        let digest: String
        var description: String { "\(width)×\(height) \(layout.rawValue) \(bitDepth)-bit" }
    }

    /// Computed with Python's hashlib and struct from the framing in docs/digests.md. The last six
    /// frame the same four bytes as six different images.
    static let vectors = [
        Vector(
            width: 1,
            height: 1,
            layout: .grey,
            bitDepth: 8,
            pixels: [0],
            digest: "37fc439bb12a25a84a998903998772247edef07cd7b48cdcf8ba1c61f6114c99"
        ),
        Vector(
            width: 2,
            height: 1,
            layout: .rgb,
            bitDepth: 8,
            pixels: [255, 0, 0, 0, 0, 255],
            digest: "80af896e4fe47e6be570f642c5109d7f8eee5a47efd692d8e6d74d3431cfc36c"
        ),
        Vector(
            width: 1,
            height: 2,
            layout: .rgb,
            bitDepth: 8,
            pixels: [255, 0, 0, 0, 0, 255],
            digest: "d8ee7427a178df4b9c9fd15244ad8fc0e51752820e1259e39062ecb3f66dbe55"
        ),
        Vector(
            width: 1,
            height: 1,
            layout: .greyAlpha,
            bitDepth: 16,
            pixels: [0x12, 0x34, 0xFF, 0xFF],
            digest: "9b35eeecceba2d52330bc6b589283e9b8b2ffdd34fc1898b70f3042f53ec426f"
        ),
        Vector(
            width: 2,
            height: 1,
            layout: .grey,
            bitDepth: 16,
            pixels: [0x12, 0x34, 0xFF, 0xFF],
            digest: "afc0ac91c5f2461290ec9bf6d14e947b33e15b15eb7a787988556213fb6a138f"
        ),
        Vector(
            width: 2,
            height: 2,
            layout: .grey,
            bitDepth: 8,
            pixels: [0x12, 0x34, 0xFF, 0xFF],
            digest: "4d7a56f1f969f48321b36f376a4d1c9bac7d9461747244cd4edadbb595eb650b"
        ),
        Vector(
            width: 1,
            height: 1,
            layout: .rgba,
            bitDepth: 8,
            pixels: [0x12, 0x34, 0xFF, 0xFF],
            digest: "1350c5636442f7c2bea910cc83ca7786052c55b1adb4133bd2591836a8c22e22"
        ),
        Vector(
            width: 2,
            height: 1,
            layout: .greyAlpha,
            bitDepth: 8,
            pixels: [0x12, 0x34, 0xFF, 0xFF],
            digest: "63e5edfebc0ab1152b28cb0a1e1423bb5d6926bb6e64b405ae6bf34482df5dd6"
        ),
    ]

    @Test(arguments: vectors)
    func matchesTheTestVector(vector: Vector) {
        let image = DecodedImage(
            width: vector.width,
            height: vector.height,
            layout: vector.layout,
            bitDepth: vector.bitDepth,
            pixels: Data(vector.pixels)
        )
        #expect(image.pixelDigest.hex == vector.digest)
    }

    @Test func theTagIsTwentyFourBytes() {
        #expect(DecodedImage.pixelDigestTag == Array("embcache/pixels/v1".utf8) + [0, 0, 0, 0, 0, 0])
        #expect(DecodedImage.pixelDigestTag.count == 24)
    }

    /// A PNG re-saved at another compression level, with text chunks, or interlaced has new
    /// bytes and the same pixel digest.
    @Test(arguments: [DecodedImage.Layout.grey, .greyAlpha, .rgb, .rgba], [8, 16])
    func losslessResavesKeepThePixelDigest(layout: DecodedImage.Layout, bitDepth: Int) throws {
        let image = TestImages.gradient(width: 40, height: 30, layout: layout, bitDepth: bitDepth)
        let original = try PNGWriter(compressionLevel: 6).encode(image)
        let resaves = [
            try PNGWriter(compressionLevel: 1).encode(image),
            try PNGWriter(compressionLevel: 6, text: [("Software", "thumbnailer 2.1"), ("Comment", "re-saved")])
                .encode(image),
            try PNGWriter(compressionLevel: 9, interlaced: true).encode(image),
        ]
        let digest = try ImageDecoder().decode(original, label: "original.png").pixelDigest
        #expect(digest == image.pixelDigest)
        for resave in resaves {
            #expect(resave != original)
            #expect(ContentDigest(of: resave) != ContentDigest(of: original))
            #expect(try ImageDecoder().decode(resave, label: "resave.png").pixelDigest == digest)
        }
    }

    /// A JPEG round trip changes pixels, so the digest changes: a pixel miss, as it must be.
    @Test func aJPEGRoundTripChangesTheDigest() throws {
        let image = TestImages.gradient(width: 40, height: 30, layout: .rgb)
        let png = try PNGWriter().encode(image)
        let jpeg = try JPEGWriter(quality: 95).encode(try ImageDecoder().decode(png, label: "a.png"))
        let roundTrip = try ImageDecoder().decode(jpeg, label: "a.jpg")
        #expect(roundTrip.width == 40 && roundTrip.height == 30 && roundTrip.layout == .rgb)
        #expect(roundTrip.pixels != image.pixels)
        #expect(roundTrip.pixelDigest != image.pixelDigest)
    }

    @Test func oneChangedSampleChangesTheDigest() {
        let image = TestImages.gradient(width: 8, height: 8, layout: .rgb)
        var pixels = image.pixels
        pixels[100] ^= 1
        let changed = DecodedImage(width: 8, height: 8, layout: .rgb, bitDepth: 8, pixels: pixels)
        #expect(changed.pixelDigest != image.pixelDigest)
    }

    @Test func thePixelKeyReadsDecodedPixels() throws {
        let image = TestImages.gradient(width: 9, height: 7, layout: .rgba)
        let key = PixelKey()
        #expect(key.inputView == .decodedPixels)
        let input = EncoderInput(parts: [try PNGWriter(compressionLevel: 0).encode(image)], label: "in/a.png")
        #expect(try key.digest(of: input) == image.pixelDigest)
        #expect(try key.digest(of: input) != ContentDigest(of: input.bytes))
        let broken = EncoderInput(parts: [Data("not an image".utf8)], label: "in/b.png")
        let error = #expect(throws: EmbeddingCacheError.self) { try key.digest(of: broken) }
        #expect(error?.input == "in/b.png")
    }
}
