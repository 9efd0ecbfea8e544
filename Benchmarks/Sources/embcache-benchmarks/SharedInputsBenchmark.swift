import EmbeddingCache
import Foundation

/// Eight `embcache embed` processes started together on the same 800 new inputs into one store:
/// the items they encode in total (the store's leases should share the inputs out, so about 800)
/// and the processes that failed on a lock. With a baseline binary, also one process's cold run
/// against the same run of that binary, in alternating pairs.
struct SharedInputsBenchmark {
    static let inputs = 800
    static let processes = 8
    static let trials = 5
    static let singleRuns = 10

    /// The row label's store kind: "sqlite" or "postgres".
    let kind: String
    /// The `embcache` binary measured.
    let embcache: String
    /// A binary to compare one process's cold run against (e.g. the previous commit's), or `nil`.
    let baseline: String?
    /// The store for one run: a new, empty store for each name.
    let store: (String) -> String

    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let folder = try CycleBenchmark.writeFiles(
            context.path("\(kind)-shared-inputs"),
            count: Self.inputs,
            size: 2048,
            seed: 11
        ).path
        var encoded = [Int]()
        var lockErrors = 0
        for trial in 0..<Self.trials {
            let arguments = Self.arguments(folder, store("\(kind)-shared-\(trial)"), cost: 1)
            let runs = try (0..<Self.processes).map { _ in try EmbcacheProcess(arguments, binary: embcache) }
            var total = 0
            for run in runs {
                let outcome = try run.outcome()
                guard let report = outcome.report else {
                    guard outcome.stderr.contains("locked") || outcome.stderr.contains("busy") else {
                        throw BenchmarkFailure("an embcache process failed: \(outcome.stderr)")
                    }
                    lockErrors += 1
                    continue
                }
                total += report["encoded"] as? Int ?? 0
            }
            encoded.append(total)
        }
        let worst = encoded.max() ?? 0
        table.add(
            "\(kind): \(Self.processes) processes started together on the same \(Self.inputs) new inputs (1 ms/item encoder), \(Self.trials) trials",
            embcache: "\(worst) items encoded at most (\(encoded.map(String.init).joined(separator: ", ")))",
            baseline: "\(Self.inputs) inputs",
            ratio: "\(Timing.format(Double(worst) / Double(Self.inputs)))×",
            target: "≤ 1.05×"
        )
        table.add(
            "\(kind): processes that failed on a lock, of \(Self.processes * Self.trials)",
            embcache: "\(lockErrors)",
            baseline: "—",
            ratio: "—",
            target: "0"
        )
        if let baseline {
            for cost in [1, 0] { try compareSingle(folder, cost: cost, against: baseline, into: &table) }
            try compareWarm(folder, against: baseline, into: &table)
        }
    }

    /// One process's warm run (every input a hit) against the baseline's on a store each filled
    /// once; timed by the run's own `seconds` (start-up left out), where the warm path's reading,
    /// hashing and lookups are all there is.
    private func compareWarm(_ folder: String, against baseline: String, into table: inout ResultTable) throws {
        let stores = [embcache: store("\(kind)-warm-measured"), baseline: store("\(kind)-warm-baseline")]
        for (binary, target) in stores {
            _ = try EmbcacheProcess(Self.arguments(folder, target, cost: 0), binary: binary).report()
        }
        try compareAlternating(
            "one process, warm, \(Self.inputs) inputs of 2 KB, run time without start-up",
            against: baseline,
            digits: 2,
            target: "≤ 1.05×",
            into: &table
        ) { binary, _ in
            let report = try EmbcacheProcess(Self.arguments(folder, stores[binary]!, cost: 0), binary: binary).report()
            guard report["hits"] as? Int == Self.inputs else {
                throw BenchmarkFailure("\(binary) missed in a warm run")
            }
            return report["seconds"] as? Double ?? .nan
        }
    }

    /// One process's cold run into a new store against the baseline's: with the 1 ms/item encoder
    /// of the shared runs, and with a free encoder, where the store's own work (leases included) is
    /// all there is.
    private func compareSingle(
        _ folder: String,
        cost: Int,
        against baseline: String,
        into table: inout ResultTable
    ) throws {
        try compareAlternating(
            "one process, cold, \(Self.inputs) inputs of 2 KB, \(cost == 0 ? "free encoder (store work only)" : "\(cost) ms/item encoder")",
            against: baseline,
            digits: 1,
            target: cost == 0 ? "—" : "≤ 1.05×",
            into: &table
        ) { binary, run in
            let target = store("\(kind)-single-\(cost)-\(binary == embcache ? "measured" : "baseline")-\(run)")
            let clock = ContinuousClock()
            let start = clock.now
            let report = try EmbcacheProcess(Self.arguments(folder, target, cost: cost), binary: binary).report()
            let seconds = (clock.now - start).seconds
            guard report["encoded"] as? Int == Self.inputs else {
                throw BenchmarkFailure("\(binary) did not encode every input")
            }
            return seconds
        }
    }

    /// Measures the binary and the baseline in turn, ``singleRuns`` times each, and adds a row with
    /// both medians in milliseconds and the median of the pairs' ratios.
    private func compareAlternating(
        _ label: String,
        against baseline: String,
        digits: Int,
        target: String,
        into table: inout ResultTable,
        _ seconds: (_ binary: String, _ run: Int) throws -> Double
    ) throws {
        var mine = [Double]()
        var theirs = [Double]()
        for run in 0..<Self.singleRuns {
            mine.append(try seconds(embcache, run))
            theirs.append(try seconds(baseline, run))
        }
        table.add(
            "\(kind): \(label), median of \(Self.singleRuns) alternating pairs",
            embcache: "\(Timing.format(Timing.percentile(mine, 0.5) * 1000, digits)) ms",
            baseline: "\(Timing.format(Timing.percentile(theirs, 0.5) * 1000, digits)) ms with \(baseline)",
            ratio: "\(Timing.format(Timing.percentile(zip(mine, theirs).map { $0 / $1 }, 0.5), 3))×",
            target: target
        )
    }

    /// `embed FOLDER` into `store` with the bytes encoder costing `cost` ms per item.
    private static func arguments(_ folder: String, _ store: String, cost: Int) -> [String] {
        ["embed", folder, "--encoder", "builtin:bytes?dim=384&cost-ms=\(cost)", "--store", store]
    }
}
