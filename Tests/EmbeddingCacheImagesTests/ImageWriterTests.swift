import EmbeddingCache
import EmbeddingCacheImages
import FoundationEssentials
import Testing

@Suite struct ImageWriterTests {
    /// Every layout at both bit depths survives a PNG round trip sample for sample.
    @Test(arguments: DecodedImage.Layout.allCases, [8, 16])
    func pngRoundTripsExactly(layout: DecodedImage.Layout, bitDepth: Int) throws {
        let image = TestImages.gradient(width: 13, height: 11, layout: layout, bitDepth: bitDepth)
        for writer in [PNGWriter(compressionLevel: 0), PNGWriter(compressionLevel: 9, interlaced: true)] {
            let bytes = try writer.encode(image)
            #expect(ImageFormat(sniffing: bytes) == .png)
            #expect(try ImageDecoder().decode(bytes, label: "round-trip.png") == image)
        }
    }

    @Test func textChunksAreWrittenInOrder() throws {
        let image = TestImages.gradient(width: 4, height: 4, layout: .grey)
        let bytes = try PNGWriter(text: [("Software", "cms 2.1"), ("Comment", "café")]).encode(image)
        // tEXt chunk: type, keyword, NUL, Latin-1 text.
        let software = Data("tEXtSoftware\u{0}cms 2.1".utf8)
        let comment = Data("tEXtComment\u{0}caf".utf8) + Data([0xE9])
        let softwareAt = try #require(bytes.firstRange(of: software))
        let commentAt = try #require(bytes.firstRange(of: comment))
        #expect(softwareAt.lowerBound < commentAt.lowerBound)
    }

    @Test func invalidWriterSettingsAreRefused() {
        let image = TestImages.gradient(width: 4, height: 4, layout: .rgb)
        for writer in [
            PNGWriter(compressionLevel: 10), PNGWriter(text: [("", "x")]), PNGWriter(text: [(" lead", "x")]),
            PNGWriter(text: [(String(repeating: "k", count: 80), "x")]), PNGWriter(text: [("Title", "日本")]),
        ] {
            let error = #expect(throws: EmbeddingCacheError.self) { try writer.encode(image) }
            #expect(error?.code == .invalidArgument)
        }
        for quality in [0, 101] {
            let error = #expect(throws: EmbeddingCacheError.self) { try JPEGWriter(quality: quality).encode(image) }
            #expect(error?.code == .invalidArgument)
        }
        for unsupported in [
            TestImages.gradient(width: 4, height: 4, layout: .rgba),
            TestImages.gradient(width: 4, height: 4, layout: .rgb, bitDepth: 16),
        ] {
            let error = #expect(throws: EmbeddingCacheError.self) { try JPEGWriter().encode(unsupported) }
            #expect(error?.code == .unsupported)
        }
    }

    /// Lossy, but close: at quality 95 the samples of a smooth image differ by less than 2 on average.
    @Test(arguments: [DecodedImage.Layout.grey, .rgb])
    func jpegRoundTripsClosely(layout: DecodedImage.Layout) throws {
        var samples = [UInt8]()
        for y in 0..<24 {
            for x in 0..<32 {
                for channel in 0..<layout.channelCount { samples.append(UInt8(x * 4 + y * 3 + channel * 20)) }
            }
        }
        let image = DecodedImage(width: 32, height: 24, layout: layout, bitDepth: 8, pixels: Data(samples))
        let decoded = try ImageDecoder().decode(try JPEGWriter(quality: 95).encode(image), label: "a.jpg")
        #expect(decoded.width == 32 && decoded.height == 24 && decoded.layout == layout)
        let total = zip(decoded.pixels, image.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        #expect(Double(total) / Double(image.pixels.count) < 2)
    }

    /// The orientation marker holds `Exif\0\0`, a big-endian TIFF header and one SHORT entry,
    /// byte for byte as the TIFF specification lays it out.
    @Test func theOrientationMarkerIsPlainEXIF() throws {
        let image = TestImages.gradient(width: 8, height: 8, layout: .grey)
        let bytes = try JPEGWriter(orientation: .left).encode(image)
        let payload: [UInt8] =
            Array("Exif".utf8) + [0, 0] + Array("MM".utf8) + [0, 42, 0, 0, 0, 8, 0, 1]
            + [0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0] + [0, 0, 0, 0]
        let marker = [0xFF, 0xE1, 0, UInt8(payload.count + 2)] + payload
        #expect(bytes.firstRange(of: Data(marker)) != nil)
        #expect(try JPEGWriter().encode(image).firstRange(of: Data("Exif".utf8)) == nil)
    }
}
