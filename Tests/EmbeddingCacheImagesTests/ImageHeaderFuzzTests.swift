import EmbeddingCache
import EmbeddingCacheTesting
import FoundationEssentials
import Testing

@testable import EmbeddingCacheImages

/// What reads an image's header before the pixels (format sniffing, the EXIF orientation, the
/// dimensions checked against the limits) meets files from anywhere: mutations are errors naming
/// the input, or images whose pixel buffer fits their size; never a trap.
struct ImageHeaderFuzzTests {
    static let cases = 100_000

    @Test func mutatedExifPayloadsGiveAnOrientationOrNone() {
        let seed: UInt64 = 0x5EED_0004
        let corpus = [
            ExifOrientationTests.payload(bigEndian: true, entries: [(0x010F, 3, 77), (0x0112, 3, 6)]),
            ExifOrientationTests.payload(bigEndian: false, entries: [(0x0112, 3, 8), (0x0131, 3, 5)]),
            ExifOrientation.right.exifPayload,
        ]
        let summary = Fuzzing.run(seed: seed, cases: Self.cases, corpus: corpus) { bytes, index in
            let orientation = ExifOrientationTests.parse(bytes)
            if let orientation, !(1...8).contains(orientation.rawValue) {
                Issue.record("seed \(seed) case \(index): orientation \(orientation.rawValue)")
            }
            return orientation != nil
        }
        #expect(summary.cases == Self.cases)
        #expect(summary.accepted > 0)
        #expect(summary.rejected > 0)
    }

    @Test func mutatedImagesDecodeConsistentlyOrAreErrorsNamingThem() throws {
        let seed: UInt64 = 0x5EED_0005
        let image = SyntheticImage.image(seed: 3, width: 6, height: 5)
        let corpus = [
            Array(try PNGWriter().encode(image)),
            Array(try JPEGWriter(quality: 80, orientation: .left).encode(image)),
        ]
        let decoder = ImageDecoder()
        let summary = Fuzzing.run(seed: seed, cases: Self.cases, corpus: corpus) { bytes, index in
            do throws(EmbeddingCacheError) {
                let decoded = try decoder.decode(Data(bytes), label: "case-\(index)")
                let expected = decoded.width * decoded.height * decoded.layout.channelCount * decoded.bitDepth / 8
                if decoded.pixels.count != expected {
                    Issue.record("seed \(seed) case \(index): \(decoded.pixels.count) bytes for \(expected)")
                }
                return true
            } catch {
                if !error.message.contains("case-\(index)") {
                    Issue.record("seed \(seed) case \(index): the error does not name the input: \(error.message)")
                }
                return false
            }
        }
        #expect(summary.cases == Self.cases)
        #expect(summary.accepted > 0)
        #expect(summary.rejected > 0)
    }
}
