import ArgumentParser
import EmbeddingCache
import EmbeddingCacheEncoders
import EmbeddingCacheSimulation

/// `embcache simulate batch-sweep`: throughput against batch size, with no cache, cold and warm.
struct SimulateBatchSweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch-sweep",
        abstract: "Measure throughput against batch size with no cache, a cold cache and a warm one.",
        discussion: """
            For each batch size, --images files go through the cache in calls of that many files, \
            each call's misses encoded in one batch: with no cache, into an empty store (cold), and \
            into a store already holding --warm-hit-rate of them (warm; 0.9 by default, as in the \
            study). Prints inputs per second per batch size and mode, and writes batch-sweep.csv and \
            batch-sweep-throughput.svg. The built-in encoders cost almost nothing unless given \
            cost-ms; a real model (process:…) shows its own batching curve.

            Exit codes: 0 success; 1 the run failed; 2 usage error.

            Example:
              embcache simulate batch-sweep --encoder 'builtin:pixel-projection?cost-ms=5'
            """
    )

    @OptionGroup var input: SimulationInputOptions

    @Option(help: "The encoder, as for embed.")
    var encoder = "builtin:pixel-projection"

    @Option(help: "Files per run.")
    var images = 800

    @Option(help: ArgumentHelp("The batch sizes, comma-separated.", valueName: "sizes"))
    var batchSizes = CommaSeparated<Int>(argument: "1,2,4,8,16,32,64")!

    @Option(help: "The fraction of files cached before a warm run, 0 to 1.")
    var warmHitRate = 0.9

    @OptionGroup var output: SimulationOutputOptions

    @OptionGroup var workerOptions: WorkerOptions

    func validate() throws {
        if images < 1 { throw ValidationError("--images must be at least 1") }
        if batchSizes.elements.contains(where: { $0 < 1 }) { throw ValidationError("--batch-sizes must be at least 1") }
        if !(0...1).contains(warmHitRate) { throw ValidationError("--warm-hit-rate must be between 0 and 1") }
        try SimulationEncoder.validate(encoder, strategies: nil)
    }

    func run() async throws {
        let sources = try input.sources(count: images)
        let specification = try EncoderSpecification(parsing: encoder)
        var configuration = BatchSweep.Configuration()
        configuration.batchSizes = batchSizes.elements
        configuration.warmHitRate = warmHitRate
        let progress = output.progress(
            total: batchSizes.elements.count * BatchSweepPoint.Mode.allCases.count * sources.count,
            unit: "inputs"
        )
        let result = try await specification.withEncoder(configuration: workerOptions.configuration) { encoder in
            try await output.withWorkspace { scratch, stores in
                try await BatchSweep(encoder: encoder, configuration: configuration).run(
                    sources: sources,
                    scratch: scratch,
                    stores: stores,
                    progress: { progress.update($0) }
                )
            }
        }
        progress.finish()
        let files = try output.write(result.tables + result.charts)
        if output.json {
            try JSONReport.print(
                BatchSweepReport(input: input.description, result: result, files: files, out: output.out)
            )
        } else {
            output.printTable(result.table, files: files)
        }
    }
}
