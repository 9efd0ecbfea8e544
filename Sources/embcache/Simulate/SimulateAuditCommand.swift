import ArgumentParser
import EmbeddingCache
import EmbeddingCacheEncoders
import EmbeddingCacheSimulation

/// `embcache simulate audit`: the study's invalidation audit, expected versus observed.
struct SimulateAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Run the study's invalidation audit: what must hit, what must miss, what must never be served.",
        discussion: """
            Caches --images files (64 by default, as in the study), then looks them all up again after \
            each change: none, a model change, a preprocessing change, one byte flipped in each file, \
            every file renamed, every file edited in place, and one stored record's vector \
            overwritten with zeros. Prints expected against observed hits, encoder calls and corrupt \
            records detected, and the wrong vectors served (every served vector is compared with a \
            fresh encode); writes audit.csv.

            Exit codes: 0 every scenario as expected; 1 a scenario differs from its expectation, or \
            the run failed; 2 usage error.

            Example:
              embcache simulate audit
              embcache simulate audit photos/ --encoder builtin:bytes --images 200
            """
    )

    @OptionGroup var input: SimulationInputOptions

    @Option(help: "The encoder, as for embed.")
    var encoder = "builtin:pixel-projection"

    @Option(help: "Files audited.")
    var images = 64

    @OptionGroup var output: SimulationOutputOptions

    @OptionGroup var workerOptions: WorkerOptions

    func validate() throws {
        if images < 1 { throw ValidationError("--images must be at least 1") }
        try SimulationEncoder.validate(encoder, strategies: nil)
    }

    func run() async throws {
        let sources = try input.sources(count: images)
        let specification = try EncoderSpecification(parsing: encoder)
        let result = try await specification.withEncoder(configuration: workerOptions.configuration) { encoder in
            try await output.withWorkspace { scratch, stores in
                try await InvalidationAudit(encoder: encoder).run(sources: sources, scratch: scratch, stores: stores)
            }
        }
        let files = try output.write(result.tables)
        if output.json {
            try JSONReport.print(AuditReport(input: input.description, result: result, files: files, out: output.out))
        } else {
            output.printTable(result.table, files: files)
        }
        guard result.passed else {
            StandardError.print("embcache: the audit failed: a scenario differs from its expectation (see the table)")
            throw ExitCode.failure
        }
    }
}
