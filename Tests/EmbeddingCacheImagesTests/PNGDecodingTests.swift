import EmbeddingCache
import EmbeddingCacheImages
import FoundationEssentials
import Testing

@Suite struct PNGDecodingTests {
    /// Every colour type at every bit depth, with and without tRNS and Adam7, decodes to the
    /// samples numpy computed from the arrays the fixture script wrote.
    @Test(arguments: Fixtures.names(in: "png"))
    func decodesToTheWrittenSamples(name: String) throws {
        let expected = try #require(Fixtures.expected[name])
        let image = try ImageDecoder().decode(try Fixtures.bytes(name), label: name)
        #expect(image.width == expected.width)
        #expect(image.height == expected.height)
        #expect(image.layout.rawValue == expected.layout)
        #expect(image.bitDepth == expected.bitDepth)
        #expect(image.pixels.hex == expected.pixels)
        #expect(image.pixelDigest.hex == expected.pixelDigest)
    }

    @Test func everyColourTypeAndBitDepthIsCovered() {
        let names = Set(Fixtures.names(in: "png"))
        for depth in [1, 2, 4, 8, 16] { #expect(names.contains("png/grey\(depth).png")) }
        for depth in [1, 2, 4, 8] { #expect(names.contains("png/palette\(depth)-trns.png")) }
        for type in [2, 4, 6] {
            for depth in [8, 16] { #expect(names.contains("png/type\(type)-\(depth)-adam7.png")) }
        }
    }

    @Test func theFormatIsSniffedNotTakenFromTheName() throws {
        let bytes = try Fixtures.bytes("png/type2-8.png")
        #expect(ImageFormat(sniffing: bytes) == .png)
        #expect(ImageFormat(sniffing: try Fixtures.bytes("jpeg/rgb.jpg")) == .jpeg)
        #expect(ImageFormat(sniffing: Data("GIF89a".utf8)) == nil)
        let image = try ImageDecoder().decode(bytes, label: "misnamed.jpg")
        #expect(image.layout == .rgb)
    }
}
