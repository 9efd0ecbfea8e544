import ArgumentParser
import EmbeddingCacheSimulation
import Foundation

/// `--out DIR`, `--store DIR` and `--json`, shared by every simulation.
struct SimulationOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The folder the CSV files and SVG charts are written into.", valueName: "dir"))
    var out = "embcache-simulation"

    @Option(
        help: ArgumentHelp(
            "Keep the simulation's SQLite stores in this folder (one per strategy or run; they must not exist yet).",
            discussion: "By default they live in a temporary folder removed at the end.",
            valueName: "dir"
        )
    )
    var store: String?

    @Flag(help: "Print one JSON object with the results on stdout instead of the table.")
    var json = false

    func validate() throws {
        if out.isEmpty { throw ValidationError("--out needs a folder") }
        if store?.isEmpty == true { throw ValidationError("--store needs a folder") }
    }

    /// Runs `body` with a temporary scratch folder and the stores' folder (`--store`, else a
    /// temporary one); see ``ScratchStores/withWorkspace(keepingStoresIn:_:)``.
    func withWorkspace<Result>(
        _ body: (_ scratch: String, _ stores: ScratchStores) async throws -> Result
    ) async throws -> Result {
        try await ScratchStores.withWorkspace(keepingStoresIn: store, body)
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
