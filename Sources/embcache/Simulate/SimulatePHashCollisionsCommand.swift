import ArgumentParser
import EmbeddingCacheSimulation

/// `embcache simulate phash-collisions`: the study's pHash false-positive scan.
struct SimulatePHashCollisionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phash-collisions",
        abstract: "Find every pair of images from different classes whose pHashes are within a Hamming distance.",
        discussion: """
            Hashes every image under PATH (or of the synthetic corpus: 1 600 images) with the 64-bit \
            8×8 DCT pHash (imagehash-compatible), finds all pairs within --max-distance bits (4, \
            the usual "duplicate" threshold) through the near-duplicate index rather than by \
            comparing every pair, and keeps those from different classes: a pHash-keyed cache would \
            serve each such pair one vector. A file's class is the name of its folder (PATH/CLASS/FILE). \
            Prints the count and the rate over all cross-class pairs; writes phash-collisions.csv \
            (every pair), phash-collisions-summary.csv and phash-collisions-distance.svg. Files \
            that are not PNG or JPEG images are left out and named on stderr.

            Exit codes: 0 success; 1 the run failed; 2 usage error.

            Example:
              embcache simulate phash-collisions --synthetic
              embcache simulate phash-collisions photos/ --max-distance 6
            """
    )

    @OptionGroup var input: SimulationInputOptions

    @Option(help: "The largest Hamming distance counted as a collision, 0 to 64.")
    var maxDistance = 4

    @OptionGroup var output: SimulationOutputOptions

    func validate() throws {
        if !(0...64).contains(maxDistance) { throw ValidationError("--max-distance must be between 0 and 64") }
    }

    func run() async throws {
        let sources = try input.sources(count: nil)
        let progress = output.progress(total: sources.count, unit: "images")
        let result = await PerceptualCollisionScan(maximumDistance: maxDistance).run(sources: sources) {
            progress.update($0)
        }
        progress.finish()
        for failure in result.unreadable { StandardError.print("embcache: left out: \(failure)") }
        let files = try output.write(result.tables + result.charts)
        if output.json {
            try JSONReport.print(
                CollisionReport(input: input.description, result: result, files: files, out: output.out)
            )
        } else {
            output.printTable(result.table, files: files)
        }
    }
}
