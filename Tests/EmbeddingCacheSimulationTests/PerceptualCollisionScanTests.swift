import EmbeddingCacheImages
import EmbeddingCacheSimulation
import Foundation
import Testing

/// The scan keeps pairs across classes only, and rates them over every cross-class pair.
struct PerceptualCollisionScanTests {
    @Test func identicalPicturesInTwoClassesCollideAndSameClassPairsAreNotCounted() async throws {
        let corpus = SyntheticCorpus(seed: 2)
        let png = try PNGWriter().encode(corpus.image(at: 0))
        let sources =
            [("x/a.png", "x"), ("y/a-copy.png", "y"), ("x/a-again.png", "x")].map { name, group in
                WorkloadSource(name: name, group: group) { png }
            } + [WorkloadSource(name: "y/not-an-image.txt", group: "y") { Data("text".utf8) }]
        let result = await PerceptualCollisionScan(maximumDistance: 4).run(sources: sources)
        #expect(result.images.count == 3)
        #expect(result.unreadable.count == 1 && result.unreadable[0].hasPrefix("y/not-an-image.txt: "))
        // Classes x (2 images) and y (1): (3² − 2² − 1²) / 2 = 2 cross-class pairs, both identical.
        #expect(result.crossClassPairTotal == 2)
        #expect(result.crossClassPairs.map { [$0.first, $0.second, $0.distance] } == [[0, 1, 0], [1, 2, 0]])
        #expect(result.rate == 1)
        let csv = try #require(result.tables.first { $0.name == "phash-collisions.csv" })
        #expect(csv.contents.split(separator: "\n").count == 3)
        #expect(try SVGDocument(try #require(result.charts.first).contents).seriesNames == ["cross-class pairs"])
    }
}
