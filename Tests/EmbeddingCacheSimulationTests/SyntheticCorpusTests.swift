import EmbeddingCacheImages
import EmbeddingCacheSimulation
import Testing

/// The stand-in for the seed's corpus: 10 classes × 20 objects × 8 views of 224 × 224 renders on
/// white, some objects small, the same for the same seed.
struct SyntheticCorpusTests {
    let corpus = SyntheticCorpus(seed: 11)

    /// The share of an image's pixels that are not white.
    func coverage(_ image: DecodedImage) -> Double {
        let samples = [UInt8](image.pixels)
        let painted = stride(from: 0, to: samples.count, by: 3).count { samples[$0..<$0 + 3] != [255, 255, 255] }
        return Double(painted) / Double(image.width * image.height)
    }

    @Test func theCorpusHasTheSeedsShape() {
        let sources = corpus.sources()
        #expect(sources.count == 1600)
        #expect(Set(sources.map(\.group)).count == 10)
        #expect(sources[0].name == "disc/disc-00-view0.png")
        #expect(sources[1599].name == "corner/corner-19-view7.png")
        #expect(Dictionary(grouping: sources, by: \.group).values.allSatisfy { $0.count == 160 })
    }

    @Test func imagesAreObjectsOnWhiteAndAQuarterOrSoAreSmall() {
        // View 0 of every object of one class in two: 100 objects.
        let coverages = stride(from: 0, to: 1600, by: 16).map { coverage(corpus.image(at: $0)) }
        let image = corpus.image(at: 0)
        #expect(image.width == 224 && image.height == 224 && image.layout == .rgb && image.bitDepth == 8)
        #expect(Array(image.pixels.prefix(3)) == [255, 255, 255])
        #expect(coverages.allSatisfy { $0 > 0 && $0 < 0.9 })
        // An object spanning at most a quarter of the side covers well under 5 % of the picture.
        let small = coverages.count { $0 < 0.05 }
        #expect((10...45).contains(small), "\(small) small objects of 100")
    }

    @Test func theSameSeedGivesTheSameImagesAndViewsDiffer() {
        #expect(corpus.image(at: 42) == SyntheticCorpus(seed: 11).image(at: 42))
        #expect(corpus.image(at: 42) != SyntheticCorpus(seed: 12).image(at: 42))
        #expect(corpus.image(at: 40) != corpus.image(at: 41))
    }
}
