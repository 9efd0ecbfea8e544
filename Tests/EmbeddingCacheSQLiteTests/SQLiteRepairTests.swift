internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheSQLiteTesting
internal import EmbeddingCacheTesting
internal import FoundationEssentials
internal import GRDB
internal import Testing

/// A damaged store is never a dead end: seeded bit flips over every part of the file, then a
/// rebuild that must open, verify, keep every record whose bytes were not hit and serve nothing
/// wrong. (`embcache-benchmarks --suites bitflips` runs more trials and prints the totals.)
struct SQLiteRepairTests {
    static let trials = RepairTrial.Fault.allCases.flatMap { fault in
        (1...20).map { RepairTrial(fault: fault, seed: UInt64($0)) }
    }

    @Test(arguments: trials)
    func repairKeepsEveryUnhitRecordAndServesNothingWrong(trial: RepairTrial) async throws {
        let folder = try TemporaryFolder()
        let outcome = try await trial.run(in: folder.path)
        #expect(outcome.failure == nil)
        #expect(outcome.opened)
        #expect(outcome.faults > 0)
        #expect(outcome.wrongVectors == 0)
        #expect(outcome.lostUnhit == 0, "kept \(outcome.kept) of \(outcome.records), \(outcome.unhit) unhit")
        #expect(outcome.kept >= outcome.unhit)
    }
}
