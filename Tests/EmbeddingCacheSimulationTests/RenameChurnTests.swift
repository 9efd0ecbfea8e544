import EmbeddingCache
import EmbeddingCacheSimulation
import EmbeddingCacheTesting
import Foundation
import Testing

/// Renames: embcache's byte key hits, the seed's path key misses; neither serves a wrong vector.
/// Plain files and a byte encoder, so nothing here needs an image codec.
struct RenameChurnTests {
    /// 50 small files in 5 folders.
    static let sources = (0..<50).map { index in
        WorkloadSource(name: "class\(index % 5)/file\(index).bin", group: "class\(index % 5)") {
            Data("file number \(index)".utf8)
        }
    }

    static func simulate(_ folder: ScratchFolder) async throws -> ChurnResult {
        var configuration = ChurnSimulation.Configuration()
        configuration.cycles = 3
        configuration.churn.kind = .rename
        configuration.strategies = [.none, .path, .sha]
        return try await ChurnSimulation(encoder: CountingEncoder(), configuration: configuration).run(
            sources: sources,
            scratch: folder.files,
            stores: folder.stores
        )
    }

    @Test func renamedFilesHitOnBytesAndMissOnPaths() async throws {
        let folder = try ScratchFolder()
        let result = try await Self.simulate(folder)
        let summaries = Dictionary(uniqueKeysWithValues: result.summaries.map { ($0.strategy, $0) })
        // 20 % of 50 files, 10, are renamed in each of cycles 1 and 2.
        #expect(summaries[.none]?.encoderCalls == 150)
        #expect(summaries[.none]?.hitRateFromCycle1 == 0)
        #expect(summaries[.sha]?.encoderCalls == 50)
        #expect(summaries[.sha]?.hitRateFromCycle1 == 1)
        #expect(summaries[.path]?.encoderCalls == 70)
        #expect(summaries[.path]?.hitRateFromCycle1 == 0.8)
        #expect(result.summaries.allSatisfy { $0.wrongVectors == 0 && $0.failed == 0 })
        #expect(result.measurements.count == 9)
    }

    @Test func storesAreLeftInTheStoresFolderAndRefusedWhenTheyExist() async throws {
        let folder = try ScratchFolder()
        _ = try await Self.simulate(folder)
        for strategy in ["path", "sha"] {
            #expect(FileManager.default.fileExists(atPath: folder.stores.path(of: strategy)))
        }
        await #expect(throws: EmbeddingCacheError.self) { try await Self.simulate(folder) }
    }
}
