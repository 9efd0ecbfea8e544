import ArgumentParser
import EmbeddingCache
import EmbeddingCacheEncoders
import EmbeddingCacheSimulation

/// `embcache simulate churn`: the study's 30-cycle churn simulation and its Table 1.
struct SimulateChurnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn",
        abstract: "Run the study's churn simulation: cycles of re-embedding with a fraction of files changed.",
        discussion: """
            Cycle 0 embeds --per-cycle files (spread evenly over PATH or the synthetic corpus) into an \
            empty cache; each later cycle changes --churn of them (--kind: lossless re-save, lossy \
            JPEG re-save, rename, in-place edit, or a mix) and embeds them all again. Every strategy \
            sees the same files: none (no cache), path (keyed by file path) and phash (keyed by \
            perceptual hash), the study's negative examples, and embcache's sha (SHA-256 of the \
            bytes) and pixel (then of the decoded pixels; only for encoders that read decoded \
            pixels). Every served vector is compared with a fresh encode of the file as it is now; \
            a difference is a wrong vector served.

            Prints the study's Table 1 (strategy, encoder seconds over all cycles, hit rate from cycle \
            1, wrong vectors served) and writes churn.csv, churn-summary.csv and three charts: \
            churn-encoder-seconds.svg, churn-hit-rate.svg and churn-wrong-vectors.svg.

            Exit codes: 0 success; 1 the run failed (a file that cannot be read or changed, a \
            store or output that cannot be written, pixel with an encoder that reads bytes); 2 usage \
            error.

            Example:
              embcache simulate churn --synthetic
              embcache simulate churn photos/ --kind mixed --cycles 10 --strategies none,path,sha
            """
    )

    @OptionGroup var input: SimulationInputOptions

    @Option(help: "The encoder, as for embed.")
    var encoder = "builtin:pixel-projection"

    @Option(help: "Cycles, including the cold cycle 0.")
    var cycles = 30

    @Option(help: "Files per cycle.")
    var perCycle = 800

    @Option(help: "The fraction of files changed per cycle, 0 to 1.")
    var churn = 0.2

    @Option(help: "How changed files change.")
    var kind = ChurnKind.lossless

    @Option(
        help: ArgumentHelp(
            "The strategies to compare, comma-separated.",
            discussion: "By default all five, without pixel when the encoder reads bytes.",
            valueName: "none,path,sha,pixel,phash"
        )
    )
    var strategies: CommaSeparated<CacheStrategy>?

    @Option(
        help: ArgumentHelp(
            "The relative L2 distance up to which a served vector still counts as the fresh one.",
            discussion: "0 (identical records) suits deterministic encoders; a GPU model may need 1e-4.",
            valueName: "distance"
        )
    )
    var tolerance = 0.0

    @OptionGroup var output: SimulationOutputOptions

    @OptionGroup var workerOptions: WorkerOptions

    func validate() throws {
        if cycles < 1 { throw ValidationError("--cycles must be at least 1") }
        if perCycle < 1 { throw ValidationError("--per-cycle must be at least 1") }
        if !(0...1).contains(churn) { throw ValidationError("--churn must be between 0 and 1") }
        if !(tolerance >= 0) { throw ValidationError("--tolerance must be 0 or more") }
        try SimulationEncoder.validate(encoder, strategies: strategies?.elements)
    }

    func run() async throws {
        let sources = try input.sources(count: perCycle)
        let specification = try EncoderSpecification(parsing: encoder)
        try await specification.withEncoder(configuration: workerOptions.configuration) { encoder in
            var configuration = ChurnSimulation.Configuration()
            configuration.cycles = cycles
            configuration.churn.fraction = churn
            configuration.churn.kind = kind
            configuration.churn.seed = input.seed
            configuration.strategies = CacheStrategy.strategies(strategies?.elements, for: encoder)
            configuration.comparison = RecordComparison(tolerance: tolerance)
            let progress = output.progress(
                total: cycles * configuration.strategies.count * sources.count,
                unit: "inputs"
            )
            let result = try await output.withWorkspace { scratch, stores in
                try await ChurnSimulation(encoder: encoder, configuration: configuration).run(
                    sources: sources,
                    scratch: scratch,
                    stores: stores,
                    progress: { progress.update($0) }
                )
            }
            progress.finish()
            let files = try output.write(result.tables + result.charts)
            if output.json {
                try JSONReport.print(
                    ChurnReport(result: result, files: files, out: output.out, input: input.description)
                )
            } else {
                output.printTable(result.table, files: files)
            }
        }
    }
}
