import EmbeddingCache
import Foundation

/// Two `embcache embed` processes reading one SQLite cache file at once: their combined warm
/// throughput against one process that embeds both halves and already uses both cores. Readers
/// that serialised on the file would show as a ratio well under 1.
struct SharedFileBenchmark {
    static let filesPerProcess = 4000

    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let halves = try (0..<2).map {
            try CycleBenchmark.writeFiles(
                context.path("shared-\($0)"),
                count: Self.filesPerProcess,
                seed: 11 + UInt64($0)
            )
            .path
        }
        let store = context.path("shared.sqlite")
        func embed(_ folders: [String]) throws -> EmbcacheProcess {
            try EmbcacheProcess(["embed"] + folders + ["--encoder", "builtin:bytes?dim=384", "--store", store])
        }
        func warmSeconds(_ processes: [[String]]) throws -> Double {
            let clock = ContinuousClock()
            let start = clock.now
            let reports = try processes.map(embed).map { try $0.report() }
            let elapsed = clock.now - start
            guard reports.allSatisfy({ $0["misses"] as? Int == 0 }) else {
                throw BenchmarkFailure("a warm pass missed")
            }
            return elapsed.seconds
        }
        _ = try embed(halves).report()
        var one = [Double]()
        var two = [Double]()
        for _ in 0..<7 {
            one.append(try warmSeconds([halves]))
            two.append(try warmSeconds(halves.map { [$0] }))
        }
        let inputs = Double(2 * Self.filesPerProcess)
        let oneRate = inputs / Timing.percentile(one, 0.5)
        let twoRate = inputs / Timing.percentile(two, 0.5)
        // Passes alternate, so load that drifts during the run slows both sides of a pair alike.
        let ratio = Timing.percentile(zip(one, two).map { $0 / $1 }, 0.5)
        table.add(
            "two processes embedding into one cache file, warm, \(Self.filesPerProcess) × 50 KB files each",
            embcache: "\(Int(twoRate)) inputs/s combined",
            baseline: "one process over both halves, both cores: \(Int(oneRate)) inputs/s",
            ratio: "\(Timing.format(ratio))× (median of paired runs)",
            target: "≥ 0.9×"
        )
    }
}
