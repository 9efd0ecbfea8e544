import EmbeddingCacheSimulation
import Testing

/// The sweep runs every batch size in every mode, with a warm store holding 90 % of the files.
struct BatchSweepTests {
    @Test func everyModeSeesTheHitsItShould() async throws {
        let folder = try ScratchFolder()
        var configuration = BatchSweep.Configuration()
        configuration.batchSizes = [1, 4]
        let result = try await BatchSweep(encoder: ChurnSimulationTests.encoder, configuration: configuration).run(
            sources: WorkloadSource.spread(SyntheticCorpus(seed: 5).sources(), count: 20),
            scratch: folder.files,
            stores: folder.stores
        )
        let rows = result.points.map { "\($0.batchSize) \($0.mode.rawValue) \($0.hits) \($0.encoded)" }
        // 90 % of 20 files, 18, are cached before a warm run.
        #expect(
            rows == [
                "1 no-cache 0 20", "1 cold 0 20", "1 warm 18 2", "4 no-cache 0 20", "4 cold 0 20", "4 warm 18 2",
            ]
        )
        #expect(result.points.allSatisfy { $0.throughput > 0 })
        let chart = try SVGDocument(try #require(result.charts.first).contents)
        #expect(chart.seriesNames == ["no-cache", "cold", "warm (90 % cached)"])
        #expect(chart.texts(class: "tick").suffix(3) == ["1", "2", "4"])
        #expect(
            result.tables.first?.contents.hasPrefix("batch_size,mode,inputs,hits,encoded,seconds,throughput\n") == true
        )
    }
}
