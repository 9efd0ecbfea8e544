import EmbeddingCache
import EmbeddingCacheEncoders
import EmbeddingCacheSimulation
import Testing

/// The short simulation: 3 cycles of 100 synthetic images, 20 % churn per cycle.
struct ChurnSimulationTests {
    /// A small pixel-projection encoder: it reads decoded pixels, like the default, at a test's cost.
    static let encoder: PixelProjectionEncoder = try! PixelProjectionEncoder(size: 16, dimension: 32)

    static func simulate(
        _ kind: ChurnKind,
        _ strategies: [CacheStrategy]
    ) async throws -> [CacheStrategy: StrategySummary] {
        let folder = try ScratchFolder()
        var configuration = ChurnSimulation.Configuration()
        configuration.cycles = 3
        configuration.churn.kind = kind
        configuration.strategies = strategies
        let result = try await ChurnSimulation(encoder: encoder, configuration: configuration).run(
            sources: WorkloadSource.spread(SyntheticCorpus(seed: 1).sources(), count: 100),
            scratch: folder.files,
            stores: folder.stores
        )
        #expect(result.measurements.allSatisfy { $0.inputs == 100 && $0.failed == 0 })
        return Dictionary(uniqueKeysWithValues: result.summaries.map { ($0.strategy, $0) })
    }

    @Test func losslessChurnShaHitsEightyPercentAndPixelAlmostAllWithoutAWrongVector() async throws {
        let summaries = try await Self.simulate(.lossless, [.sha, .pixel])
        let sha = try #require(summaries[.sha])
        let pixel = try #require(summaries[.pixel])
        #expect(sha.wrongVectors == 0)
        #expect(abs(try #require(sha.hitRateFromCycle1) - 0.8) <= 0.02)
        #expect(pixel.wrongVectors == 0)
        #expect(try #require(pixel.hitRateFromCycle1) >= 0.99)
    }

    @Test func editChurnMakesThePathKeyServeWrongVectors() async throws {
        let summaries = try await Self.simulate(.edit, [.path, .sha])
        #expect(try #require(summaries[.path]).wrongVectors > 0)
        #expect(try #require(summaries[.sha]).wrongVectors == 0)
    }

    @Test func thePixelStrategyIsRefusedInFrontOfAnEncoderThatReadsBytes() async throws {
        let folder = try ScratchFolder()
        var configuration = ChurnSimulation.Configuration()
        configuration.strategies = [.pixel]
        let simulation = ChurnSimulation(encoder: BytesEncoder(dimension: 8), configuration: configuration)
        await #expect {
            try await simulation.run(sources: RenameChurnTests.sources, scratch: folder.files, stores: folder.stores)
        } throws: { error in
            (error as? EmbeddingCacheError)?.message.contains("decoded pixels") == true
        }
    }
}
