import EmbeddingCacheTesting
import Foundation

/// Crash safety in numbers: `embcache embed` runs killed with SIGKILL at seeded random moments
/// (``KillTrial``), records below and above the side-file threshold, each interrupted cache then
/// reopened and compared with a run without the cache. The kill window is the time one
/// uninterrupted run of the same kind takes on this machine, measured first, so kills land
/// mid-run whatever the build and the machine.
struct KillBenchmark {
    let embcache: String
    let trials: Int

    func run(_ context: BenchmarkContext, into table: inout ResultTable) throws {
        let kinds = [
            (name: "inline records (384 × f32)", files: 2000, dimension: 384),
            (name: "side files (300 000 × f32)", files: 60, dimension: 300_000),
        ]
        for kind in kinds {
            let binary = URL(fileURLWithPath: embcache)
            let window = try KillTrial(binary: binary, files: kind.files, dimension: kind.dimension, seed: 0)
                .uninterruptedMilliseconds()
            var outcomes = [KillTrial.Outcome]()
            for seed in 0..<trials {
                var trial = KillTrial(binary: binary, files: kind.files, dimension: kind.dimension, seed: UInt64(seed))
                trial.window = .milliseconds(window)
                outcomes.append(try trial.run())
            }
            let midRun = outcomes.filter(\.killedMidRun).count
            let failedOpens = outcomes.filter { !$0.opened }.count
            let kept = outcomes.map(\.recordsKept).reduce(0, +)
            let corrupt = outcomes.map(\.corrupt).reduce(0, +)
            let wrong = outcomes.map(\.wrongVectors).reduce(0, +)
            table.add(
                "kill -9 at seeded random moments within one run's \(window) ms, \(kind.name), \(kind.files) files per run",
                embcache: "\(trials) trials, \(midRun) killed mid-run; \(kept) records kept; \(corrupt) corrupt",
                baseline: "a run without the cache, compared row by row",
                ratio: "\(wrong) wrong vectors served, \(failedOpens) caches that did not open",
                target: "0 wrong vectors, 0 failed opens"
            )
        }
    }
}
