import EmbeddingCache
import Foundation

/// Two `embcache embed` processes reading one SQLite cache file at once: their combined warm
/// throughput against one process that embeds both halves and already uses both cores. Readers
/// that serialised on the file would show as a ratio well under 1.
///
/// It runs at two sizes: one `embed` chunk (4 096 inputs) per process, and three. Each process
/// pays once for touching the memory its first chunk's file bytes occupy (about 50 000 page
/// faults for 4 000 files of 50 KB); one process over both halves pays it once, two pay it twice,
/// so the small size shows that fixed cost and the large one amortises it.
struct SharedFileBenchmark {
    static let filesPerPart = 4000
    /// The `embcache` binary measured.
    let embcache: String

    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let halves = try (0..<2).map { half in
            let folder = context.path("shared-\(half)")
            for part in 0..<3 {
                let seed = UInt64(11 + half * 3 + part)
                _ = try CycleBenchmark.writeFiles("\(folder)/part-\(part)", count: Self.filesPerPart, seed: seed)
            }
            return folder
        }
        let store = context.path("shared.sqlite")
        _ = try embed(halves, store).report()
        try measure(halves.map { ["\($0)/part-0"] }, filesPerProcess: Self.filesPerPart, store, into: &table)
        try measure(halves.map { [$0] }, filesPerProcess: 3 * Self.filesPerPart, store, into: &table)
    }

    /// Alternates one process over both halves with two processes over one half each.
    private func measure(
        _ halves: [[String]],
        filesPerProcess: Int,
        _ store: String,
        into table: inout ResultTable
    ) throws {
        var one = [Double]()
        var two = [Double]()
        for _ in 0..<7 {
            one.append(try warmSeconds([halves.flatMap { $0 }], store))
            two.append(try warmSeconds(halves, store))
        }
        let inputs = Double(2 * filesPerProcess)
        // Passes alternate, so load that drifts during the run slows both sides of a pair alike.
        let ratio = Timing.percentile(zip(one, two).map { $0 / $1 }, 0.5)
        table.add(
            "two processes embedding into one cache file, warm, \(filesPerProcess) × 50 KB files each",
            embcache: "\(Int(inputs / Timing.percentile(two, 0.5))) inputs/s combined",
            baseline: "one process over both halves, both cores: \(Int(inputs / Timing.percentile(one, 0.5))) inputs/s",
            ratio: "\(Timing.format(ratio))× (median of paired runs)",
            target: "≥ 0.9×"
        )
    }

    /// `embcache embed FOLDERS` on the shared store, started without waiting.
    private func embed(_ folders: [String], _ store: String) throws -> EmbcacheProcess {
        try EmbcacheProcess(
            ["embed"] + folders + ["--encoder", "builtin:bytes?dim=384", "--store", store],
            binary: embcache
        )
    }

    /// The wall seconds of running one process per folder list at once, every input a hit.
    private func warmSeconds(_ processes: [[String]], _ store: String) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let reports = try processes.map { try embed($0, store) }.map { try $0.report() }
        let elapsed = clock.now - start
        guard reports.allSatisfy({ $0["misses"] as? Int == 0 }) else { throw BenchmarkFailure("a warm pass missed") }
        return elapsed.seconds
    }
}
