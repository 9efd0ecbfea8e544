import ArgumentParser
import EmbeddingCacheSimulation
import Foundation

/// `--output DIR`, `--stores-dir DIR`, `--json` and the progress options, shared by every simulation.
struct SimulationOutputOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The folder the CSV files and SVG charts are written into (default: embcache-simulation).",
            valueName: "dir"
        )
    )
    var output: String?

    /// `--out DIR`, the earlier spelling of `--output`, still accepted.
    @Option(name: .customLong("out"), help: .hidden) var outFolder: String?

    /// The folder the files go into: `--output`, else `--out`, else `embcache-simulation`.
    var out: String { output ?? outFolder ?? "embcache-simulation" }

    @Option(
        help: ArgumentHelp(
            "Keep the simulation's SQLite stores in this folder (one per strategy or run; they must not exist yet).",
            discussion: "By default they live in a temporary folder removed at the end.",
            valueName: "dir"
        )
    )
    var storesDir: String?

    /// `--store DIR`, the earlier spelling of `--stores-dir`, still accepted.
    @Option(help: .hidden) var store: String?

    /// The stores' folder: `--stores-dir`, else `--store`.
    var storesFolder: String? { storesDir ?? store }

    @Flag(help: "Print one JSON object with the results on stdout instead of the table.")
    var json = false

    @OptionGroup var progressOptions: ProgressOptions

    /// The progress of `total` servings or files, shown as the options ask.
    func progress(total: Int, unit: String) -> ProgressBar {
        ProgressBar(total: total, unit: unit, style: progressOptions.style)
    }

    func validate() throws {
        if output != nil, outFolder != nil { throw ValidationError("give --output once (--out is its old name)") }
        if out.isEmpty { throw ValidationError("--output needs a folder") }
        if storesDir != nil, store != nil { throw ValidationError("give --stores-dir once (--store is its old name)") }
        if storesFolder?.isEmpty == true { throw ValidationError("--stores-dir needs a folder") }
    }

    /// Runs `body` with a temporary scratch folder and the stores' folder (`--stores-dir`, else a
    /// temporary one); see ``ScratchStores/withWorkspace(keepingStoresIn:_:)``.
    func withWorkspace<Result>(
        _ body: (_ scratch: String, _ stores: ScratchStores) async throws -> Result
    ) async throws -> Result {
        try await ScratchStores.withWorkspace(keepingStoresIn: storesFolder, body)
    }

    /// Writes `files` into `--out` and returns their paths.
    func write(_ files: [ReportFile]) throws -> [String] {
        try ReportFile.write(files, to: out)
    }

    /// Prints `table`, then the files written, on stdout.
    func printTable(_ table: TextTable, files: [String]) {
        print(table.text, terminator: "")
        let names = files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
        print("\nwrote \(files.count == 1 ? "1 file" : "\(files.count) files") into \(out): \(names)")
    }
}
