import ArgumentParser
import EmbeddingCacheDatasets
import EmbeddingCacheSimulation

/// `[PATH] [--synthetic] [--seed N]`: the files a simulation runs on.
struct SimulationInputOptions: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "A folder of images (CLASS/FILE for per-class reports) or one file; the synthetic corpus when absent.",
            valueName: "path"
        )
    )
    var path: String?

    @Flag(help: "Use the generated stand-in for the study's corpus (10 classes × 20 objects × 8 views, 224×224 PNG).")
    var synthetic = false

    @Option(help: "The seed of the synthetic corpus and of every random choice of the simulation.")
    var seed: UInt64 = 1

    func validate() throws {
        if path != nil, synthetic { throw ValidationError("give PATH or --synthetic, not both") }
    }

    /// `count` files spread evenly over the folder, or over the synthetic corpus (all of them for
    /// `nil`).
    ///
    /// - Throws: ``EmbeddingCacheError`` naming PATH when it does not exist or cannot be listed, or
    ///   when it holds no files.
    func sources(count: Int?) throws -> [WorkloadSource] {
        guard let path else {
            return WorkloadSource.spread(SyntheticCorpus(seed: seed).sources(), count: count ?? SyntheticCorpus.count)
        }
        let files = try InputExpansion.filesNamingLeftOut(for: [path]).map { WorkloadSource.file($0, below: path) }
        guard !files.isEmpty else {
            throw ValidationError("'\(path)' holds no files to simulate with")
        }
        return WorkloadSource.spread(files, count: count ?? files.count)
    }

    /// What the files are, for reports: the path, or `synthetic (seed N)`.
    var description: String { path ?? "synthetic corpus (seed \(seed))" }
}
