import Foundation

/// An `embcache embed` run whose 800 inputs are all cached, with the numpy reference worker as
/// the encoder, against the same run with `builtin:bytes`, which starts no process: whole-process
/// wall-clock time, in alternating runs. The worker's handshake is remembered after its first run
/// (it names its identity files), so an all-hit run need not start it; the same run with
/// `--always-start-worker` shows what starting it costs.
struct AllHitWorkerBenchmark {
    static let inputs = 800
    static let rounds = 10

    /// The `embcache` binary measured.
    let embcache: String
    /// The folder holding the reference workers.
    let workers: String

    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let folder = try CycleBenchmark.writeFiles(
            context.path("all-hit-inputs"),
            count: Self.inputs,
            size: 2048,
            seed: 13
        ).path
        let environment = ["EMBCACHE_DIR": context.path("all-hit-cache")]
        let worker = "process:\(context.python.interpreter) '\(workers)/numpy_worker.py' --dim 384"
        let variants = [
            (name: "builtin", arguments: ["--encoder", "builtin:bytes"]),
            (name: "worker", arguments: ["--encoder", worker]),
            (name: "started", arguments: ["--encoder", worker, "--always-start-worker"]),
        ]
        var seconds = [String: [Double]]()
        var workersStarted = [String: Int]()
        for round in -1..<Self.rounds {
            for variant in variants {
                var report = [String: Any]()
                let elapsed = try await Timing.seconds(repeats: 1) {
                    report = try EmbcacheProcess(
                        ["embed", folder, "--progress", "never"] + variant.arguments,
                        binary: embcache,
                        environment: environment
                    ).report()
                }
                // Round -1 fills the store (and remembers the handshake); the others are all hits.
                guard round >= 0 else { continue }
                guard report["hits"] as? Int == Self.inputs else {
                    throw BenchmarkFailure("the all-hit run of \(variant.name) missed: \(report)")
                }
                seconds[variant.name, default: []] += elapsed
                workersStarted[variant.name, default: 0] += report["workers_started"] as? Int ?? 0
            }
        }
        let median = { (name: String) in Timing.percentile(seconds[name] ?? [], 0.5) * 1000 }
        let (builtin, remembered, started) = (median("builtin"), median("worker"), median("started"))
        table.add(
            "all-hit embed run, \(Self.inputs) × 2 KB files, numpy worker (handshake remembered), median of \(Self.rounds) alternating runs",
            embcache: "\(Timing.format(remembered)) ms (\(workersStarted["worker"] ?? 0) workers started)",
            baseline: "builtin:bytes \(Timing.format(builtin)) ms",
            ratio: "\(Timing.format(remembered / builtin, 3))×",
            target: "≤ 1.05×"
        )
        table.add(
            "same, worker started anyway (--always-start-worker)",
            embcache: "\(Timing.format(started)) ms (\(workersStarted["started"] ?? 0) workers started)",
            baseline: "builtin:bytes \(Timing.format(builtin)) ms",
            ratio: "\(Timing.format(started / builtin, 3))×",
            target: "reported"
        )
    }
}
