import EmbeddingCacheSQLiteTesting
import Foundation

/// Reliability, not speed: seeded bit flips in each part of a SQLite store, then a rebuild by
/// `verify --repair`'s library call, counted over many trials per part (see
/// `docs/reliability.md`). Every trial must open and pass its structure check afterwards,
/// keep every record whose bytes were not hit, and serve no wrong vector.
struct BitFlipBenchmark {
    /// Trials per fault kind; seeds run from 1.
    let trials: Int

    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        for fault in RepairTrial.Fault.allCases {
            var total = Totals()
            for seed in 1...max(1, trials) {
                let folder = context.path("bitflips-\(fault.rawValue.replacing(" ", with: "-"))-\(seed)")
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: folder) }
                total.add(try await RepairTrial(fault: fault, seed: UInt64(seed)).run(in: folder))
            }
            table.add(
                "bit flips (\(fault.rawValue)), rebuilt: \(trials) trials",
                embcache: total.summary,
                baseline: "—",
                ratio: "—",
                target: "0 wrong vectors, 0 unopened, 0 unhit records lost"
            )
        }
    }

    /// The figures of one fault kind's trials, summed.
    private struct Totals {
        var faults = 0
        var records = 0
        var unhit = 0
        var kept = 0
        var dropped = 0
        var lostUnhit = 0
        var wrongVectors = 0
        var unopened = 0

        mutating func add(_ outcome: RepairTrialOutcome) {
            faults += outcome.faults
            records += outcome.records
            unhit += outcome.unhit
            kept += outcome.kept
            dropped += outcome.dropped
            lostUnhit += outcome.lostUnhit
            wrongVectors += outcome.wrongVectors
            unopened += outcome.opened ? 0 : 1
        }

        var summary: String {
            "\(faults) bits flipped; \(kept) of \(records) records kept (\(unhit) not hit), \(dropped) dropped; "
                + "\(lostUnhit) unhit lost, \(wrongVectors) wrong vectors, \(unopened) unopened"
        }
    }
}
