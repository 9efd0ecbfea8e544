import EmbeddingCacheSimulation
import Foundation
import Testing

/// The audit's table matches what a correct cache must do, scenario by scenario (values written
/// out here from the seed's audit, not taken from the audit's own expectations).
struct InvalidationAuditTests {
    @Test func everyScenarioHitsMissesAndDetectsAsItMust() async throws {
        let folder = try ScratchFolder()
        let result = try await InvalidationAudit(encoder: ChurnSimulationTests.encoder).run(
            sources: WorkloadSource.spread(SyntheticCorpus(seed: 3).sources(), count: 16),
            scratch: folder.files,
            stores: folder.stores
        )
        let observed = result.rows.map { [$0.scenario.rawValue, "\($0.hits)", "\($0.encoded)", "\($0.corrupt)"] }
        #expect(
            observed == [
                ["unchanged", "16", "0", "0"],
                ["model change", "0", "16", "0"],
                ["preprocessing change", "0", "16", "0"],
                ["one byte flipped", "0", "16", "0"],
                ["rename", "16", "0", "0"],
                ["in-place edit", "0", "16", "0"],
                ["stored record tampered with", "15", "1", "1"],
            ]
        )
        #expect(result.rows.allSatisfy { $0.wrongVectors == 0 && $0.inputs == 16 })
        #expect(result.passed)
        let csv = try #require(result.tables.first)
        #expect(csv.name == "audit.csv")
        #expect(
            csv.contents.hasPrefix(
                "scenario,inputs,expected_hits,hits,expected_encoded,encoded,expected_corrupt,corrupt,wrong_vectors,passed\n"
            )
        )
        #expect(result.table.text.components(separatedBy: "pass").count - 1 == 7)
    }
}
