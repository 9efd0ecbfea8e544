import ArgumentParser
import Foundation

/// Runs embcache's benchmarks, each next to a baseline measured in the same run.
@main
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embcache-benchmarks",
        abstract: "Measure embcache against same-run baselines and print a Markdown table.",
        discussion: """
            Suites: lookup (SQLite store, 10 K and 1 M entries by default, versus the seed's DuckDB cache, and single keys versus the same read in C; \
            --entries 10000,10000000 adds the 10 M store, about 17 GB for each of the two caches, built, \
            measured and deleted), statements (the SQLite store's 800-key lookup versus the same lookup \
            through GRDB's DatabasePool.read and rows, on one file), cycle (800 files of 16 KB and of 50 KB, cold and warm, versus the seed's DuckDB cache on the \
            same files and versus reading and hashing them alone), shared (two embcache processes warm on \
            one cache file versus one process over both halves), warm \
            (800 × 50 KB get-or-compute versus SHA-256 alone on all cores), cold (800 inputs with a \
            5 ms encoder versus no cache), large (one 8.3 MB float16 record versus safetensors' numpy \
            loader), worker (1 KB inputs in batches of 64 through the numpy worker's no-op mode versus \
            the same no-op encoder in-process), precompute (a warm `embcache precompute` of 1 000 samples \
            × 4 fields versus SHA-256 alone), export (`embcache export` of 1 000 samples in GB/s versus \
            a plain write; both drive the --embcache binary), postgres (800-key \
            batch get from a 1 M-entry table and 800-record put, next to SQLite; one, two and four \
            embcache processes on one database; needs --postgres-url or EMBCACHE_TEST_POSTGRES_URL and \
            the embcache binary), images (decode + pixel digest of a 224 × 224 RGB PNG versus libpng's own \
            decode of it, in C; a warm pass over 800 PNGs with the pixel key versus without), near-duplicates (all pairs within distance 4 among 100 000 pHashes \
            through the multi-index search versus an all-pairs scan, and a BK-tree), kill (embcache runs \
            killed with SIGKILL at seeded random moments, then reopened and compared row by row with a \
            run without the cache), bitflips (seeded bit flips \
            in a SQLite store's header, table, index and namespace pages, side files and anywhere, each rebuilt; \
            --bitflip-trials per kind: records kept and dropped, wrong vectors served, stores that did not \
            open), processes (eight embcache processes started together on the same 800 new inputs into \
            one SQLite file: items encoded and lock errors; with --baseline-embcache, one process's cold run \
            against that binary; the postgres suite runs the same on PostgreSQL). Build in release \
            mode: Scripts/benchmark.sh does it all.
            """
    )

    @Option(
        help:
            "Comma-separated suites: lookup, cycle, shared, warm, cold, large, worker, precompute, export, postgres, images, near-duplicates, kill, bitflips, processes, or all."
    )
    var suites = "all"

    @Option(help: "Trials per fault kind in the bitflips suite.")
    var bitflipTrials = 100

    @Option(help: "Comma-separated store sizes for the lookup suite; 10000000 needs about 35 GB of free disk.")
    var entries = "10000,1000000"

    @Option(help: "The PostgreSQL server for the postgres suite; EMBCACHE_TEST_POSTGRES_URL by default.")
    var postgresURL: String?

    @Option(help: "Entries in the postgres suite's table.")
    var postgresEntries = 1_000_000

    @Option(help: "Trials per record kind for the kill suite.")
    var killTrials = 20

    @Option(
        help:
            "The embcache binary the shared, worker, precompute, export, kill, processes and postgres suites run as separate processes; a relative path is relative to the current directory."
    )
    var embcache = ".build/release/embcache"

    @Option(
        help:
            "An embcache binary (e.g. the previous commit's) the processes suite compares one process's cold run against."
    )
    var baselineEmbcache: String?

    @Option(help: "Folder for scratch stores and files (deleted afterwards).")
    var scratch = FileManager.default.temporaryDirectory.path

    @Option(help: "The Python interpreter for the baselines.")
    var python = "python3"

    @Option(help: "The folder holding the Python baseline scripts.")
    var baselines = "Benchmarks/baselines"

    @Option(help: "The folder holding the reference workers.")
    var workers = "Examples/workers"

    mutating func run() async throws {
        let selected = Set(suites.split(separator: ",").map(String.init))
        let all = selected.contains("all")
        let context = BenchmarkContext(
            scratch: URL(fileURLWithPath: scratch).appendingPathComponent("embcache-bench-\(UUID())"),
            python: PythonBaseline(interpreter: python, folder: baselines),
            pythonPackage: PythonBaseline(
                interpreter: python,
                folder: URL(fileURLWithPath: baselines).deletingLastPathComponent().appendingPathComponent("python")
                    .path
            )
        )
        try FileManager.default.createDirectory(at: context.scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: context.scratch) }
        var table = ResultTable()
        if all || selected.contains("lookup") {
            let sizes = entries.split(separator: ",").compactMap { Int($0) }
            try await LookupBenchmark.runAll(sizes, context, into: &table)
        }
        if all || selected.contains("statements") { try await StatementBenchmark().run(context, into: &table) }
        if all || selected.contains("cycle") {
            for size in [16_000, 50_000] { try await CycleBenchmark(fileSize: size).run(context, into: &table) }
        }
        if all || selected.contains("shared") {
            try await SharedFileBenchmark(embcache: embcache).run(context, into: &table)
        }
        if all || selected.contains("warm") { try await WarmBenchmark().run(context, into: &table) }
        if all || selected.contains("cold") { try await ColdBenchmark().run(context, into: &table) }
        if all || selected.contains("large") { try await LargeRecordBenchmark().run(context, into: &table) }
        if all || selected.contains("worker") {
            try await WorkerBenchmark(workers: workers).run(context, into: &table)
            try await AllHitWorkerBenchmark(embcache: embcache, workers: workers).run(context, into: &table)
        }
        if all || selected.contains("precompute") {
            try await PrecomputeBenchmark(embcache: embcache).run(context, into: &table)
        }
        if all || selected.contains("export") {
            try await ExportBenchmark(embcache: embcache).run(context, into: &table)
        }
        if all || selected.contains("images") {
            try await ImageBenchmark().run(context, into: &table)
            try await PixelKeyWarmBenchmark().run(context, into: &table)
        }
        if all || selected.contains("near-duplicates") {
            try await NearDuplicatesBenchmark().run(context, into: &table)
        }
        if all || selected.contains("kill") {
            try KillBenchmark(embcache: embcache, trials: killTrials).run(context, into: &table)
        }
        if all || selected.contains("bitflips") {
            try await BitFlipBenchmark(trials: bitflipTrials).run(context, into: &table)
        }
        if all || selected.contains("processes") {
            let benchmark = SharedInputsBenchmark(kind: "sqlite", embcache: embcache, baseline: baselineEmbcache) {
                context.path("\($0).sqlite")
            }
            try await benchmark.run(context, into: &table)
        }
        if all || selected.contains("postgres") {
            guard let postgresURL = postgresURL ?? ProcessInfo.processInfo.environment["EMBCACHE_TEST_POSTGRES_URL"]
            else {
                throw ValidationError("the postgres suite needs --postgres-url or EMBCACHE_TEST_POSTGRES_URL")
            }
            try await PostgresBenchmark(url: postgresURL, entries: postgresEntries, embcache: embcache)
                .run(context, into: &table)
        }
        print(table.markdown)
    }
}

/// What every suite shares: a scratch folder, the Python baselines, and the scripts that measure
/// the Python package (clients/python) beside the Swift library.
struct BenchmarkContext: Sendable {
    let scratch: URL
    let python: PythonBaseline
    /// The scripts in Benchmarks/python, the baselines folder's sibling.
    let pythonPackage: PythonBaseline

    /// A fresh path inside the scratch folder.
    func path(_ name: String) -> String { scratch.appendingPathComponent(name).path }
}
