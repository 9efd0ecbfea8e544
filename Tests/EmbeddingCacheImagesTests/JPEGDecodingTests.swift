import EmbeddingCache
import EmbeddingCacheImages
import FoundationEssentials
import Testing

@Suite struct JPEGDecodingTests {
    /// Grey, 4:2:0 and 4:4:4 colour, progressive, and all eight EXIF orientations decode to what
    /// Pillow (with exif_transpose) decoded when the fixtures were written.
    @Test(arguments: Fixtures.names(in: "jpeg"))
    func decodesLikePillow(name: String) throws {
        let expected = try #require(Fixtures.expected[name])
        let image = try ImageDecoder().decode(try Fixtures.bytes(name), label: name)
        #expect(image.width == expected.width)
        #expect(image.height == expected.height)
        #expect(image.layout.rawValue == expected.layout)
        #expect(image.bitDepth == 8)
        #expect(image.pixels.hex == expected.pixels)
        #expect(image.pixelDigest.hex == expected.pixelDigest)
    }

    @Test func cmykIsRefusedAsUnsupported() throws {
        let error = #expect(throws: EmbeddingCacheError.self) {
            try ImageDecoder().decode(try Fixtures.bytes("jpeg/cmyk.jpg"), label: "scans/cmyk.jpg")
        }
        #expect(error?.code == .unsupported)
        #expect(error?.input == "scans/cmyk.jpg")
        #expect(error?.message.contains("CMYK") == true)
    }

    /// A JPEG written with each orientation tag decodes to the untagged file's pixels, transformed
    /// by compositions of two obvious primitives (a clockwise quarter turn and a left-right
    /// mirror); its upright twin, saved as PNG, has the same pixel digest.
    @Test(arguments: ExifOrientation.allCases)
    func orientationIsApplied(orientation: ExifOrientation) throws {
        let stored = TestImages.gradient(width: 24, height: 16, layout: .rgb)
        let plain = try ImageDecoder().decode(try JPEGWriter(quality: 92).encode(stored), label: "plain.jpg")
        let tagged = try JPEGWriter(quality: 92, orientation: orientation).encode(stored)
        let upright = try ImageDecoder().decode(tagged, label: "tagged.jpg")
        let expected = Self.viewed(plain, orientation.rawValue)
        #expect(upright == expected)
        let twin = try ImageDecoder().decode(try PNGWriter().encode(expected), label: "twin.png")
        #expect(twin.pixelDigest == upright.pixelDigest)
        if orientation != .up { #expect(upright.pixelDigest != plain.pixelDigest) }
    }

    /// The EXIF orientations as compositions: 6 is a clockwise quarter turn, 2 a left-right mirror.
    static func viewed(_ image: DecodedImage, _ orientation: Int) -> DecodedImage {
        let turn = TestImages.rotatedClockwise
        let mirror = TestImages.mirrored
        return switch orientation {
        case 2: mirror(image)
        case 3: turn(turn(image))
        case 4: turn(turn(mirror(image)))
        case 5: mirror(turn(image))
        case 6: turn(image)
        case 7: turn(mirror(image))
        case 8: turn(turn(turn(image)))
        default: image
        }
    }
}
