import EmbeddingCache
import EmbeddingCacheImages
import FoundationEssentials
import Testing

/// Truncated, corrupt and hostile files fail with an error naming the file, never a crash.
@Suite struct DamagedInputTests {
    static let png = try! PNGWriter().encode(TestImages.gradient(width: 64, height: 48, layout: .rgb))
    static let jpeg = try! JPEGWriter().encode(TestImages.gradient(width: 64, height: 48, layout: .rgb))

    static func decodingError(
        _ bytes: Data,
        _ label: String,
        limits: ImageLimits = ImageLimits()
    ) -> EmbeddingCacheError? {
        #expect(throws: EmbeddingCacheError.self) { try ImageDecoder(limits: limits).decode(bytes, label: label) }
    }

    @Test(arguments: [8, 33, 60, 200, png.count / 2, png.count - 13, png.count - 1])
    func aTruncatedPNGFails(length: Int) {
        let error = Self.decodingError(Self.png.prefix(length), "photos/cut.png")
        #expect(error?.code == .invalidInput)
        #expect(error?.input == "photos/cut.png")
        #expect(error?.message.contains("photos/cut.png") == true)
    }

    @Test(arguments: [3, 100, jpeg.count / 2, jpeg.count - 2])
    func aTruncatedJPEGFails(length: Int) {
        let error = Self.decodingError(Self.jpeg.prefix(length), "photos/cut.jpg")
        #expect(error?.code == .invalidInput)
        #expect(error?.input == "photos/cut.jpg")
        #expect(error?.message.contains("photos/cut.jpg") == true)
    }

    /// A flipped bit in the header or image data breaks a CRC; libpng refuses the file.
    @Test(arguments: [20, 40, png.count / 2])
    func aCorruptPNGFails(offset: Int) {
        var bytes = Self.png
        bytes[offset] ^= 0x10
        let error = Self.decodingError(bytes, "photos/bad.png")
        #expect(error?.code == .invalidInput)
        #expect(error?.input == "photos/bad.png")
    }

    /// Marker bytes in the middle of the entropy-coded data, or a broken frame header.
    @Test func aCorruptJPEGFails() {
        var scan = Self.jpeg
        scan.replaceSubrange(scan.count / 2..<scan.count / 2 + 2, with: [0xFF, 0xD9])
        var header = Self.jpeg
        let frame = header.firstRange(of: Data([0xFF, 0xC0]))!.lowerBound
        header[frame + 9] = 7  // seven components
        for (bytes, label) in [(scan, "scan.jpg"), (header, "header.jpg")] {
            let error = Self.decodingError(bytes, label)
            #expect(error?.code == .invalidInput)
            #expect(error?.input == label)
        }
    }

    @Test func neitherPNGNorJPEGIsUnsupported() {
        for (bytes, label) in [(Data(), "empty"), (Data("GIF89a....".utf8), "a.gif"), (Data([0x89, 0x50]), "short")] {
            let error = Self.decodingError(bytes, label)
            #expect(error?.code == .unsupported)
            #expect(error?.input == label)
        }
    }

    /// A 1 KB file declaring 100 000 × 100 000 pixels (30 GB) is refused from its header.
    @Test func aDecompressionBombIsRefused() throws {
        let bomb = try Fixtures.bytes("png/bomb.png")
        #expect(bomb.count < 4096)
        let error = Self.decodingError(bomb, "uploads/bomb.png")
        #expect(error?.code == .invalidInput)
        #expect(error?.input == "uploads/bomb.png")
        #expect(error?.message.contains("100000×100000") == true)
        #expect(error?.message.contains("refused") == true)
    }

    @Test func limitsAreInclusiveBounds() throws {
        var limits = ImageLimits()
        limits.maxPixelCount = 64 * 48
        #expect(throws: Never.self) { try ImageDecoder(limits: limits).decode(Self.png, label: "a.png") }
        #expect(throws: Never.self) { try ImageDecoder(limits: limits).decode(Self.jpeg, label: "a.jpg") }
        limits.maxPixelCount -= 1
        #expect(Self.decodingError(Self.png, "a.png", limits: limits)?.message.contains("maxPixelCount") == true)
        #expect(Self.decodingError(Self.jpeg, "a.jpg", limits: limits)?.message.contains("maxPixelCount") == true)

        limits = ImageLimits()
        limits.maxDimension = 63
        #expect(Self.decodingError(Self.png, "a.png", limits: limits)?.message.contains("maxDimension") == true)
        limits = ImageLimits()
        limits.maxDecodedBytes = 64 * 48 * 3 - 1
        #expect(Self.decodingError(Self.jpeg, "a.jpg", limits: limits)?.message.contains("maxDecodedBytes") == true)
    }

    @Test func aProgressiveJPEGWithTooManyScansIsRefused() throws {
        let progressive = try Fixtures.bytes("jpeg/progressive.jpg")
        var limits = ImageLimits()
        limits.maxProgressiveScans = 2
        let error = Self.decodingError(progressive, "many-scans.jpg", limits: limits)
        #expect(error?.message.contains("scans") == true)
        limits.maxProgressiveScans = 100
        #expect(throws: Never.self) { try ImageDecoder(limits: limits).decode(progressive, label: "ok.jpg") }
    }
}
