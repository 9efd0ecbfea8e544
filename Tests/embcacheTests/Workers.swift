import EmbeddingCache
import Foundation

/// `--encoder` values for the reference workers in `Examples/workers/`, run with `python3`.
enum Workers {
    /// The package's `Examples/workers` folder.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/workers")

    /// `process:python3 '…/numpy_worker.py' FLAGS`.
    static func numpy(_ flags: String = "") -> String {
        "process:python3 '\(folder.appendingPathComponent("numpy_worker.py").path)' \(flags)"
    }

    /// `process:python3 '…/minilm_worker.py'`.
    static let miniLM = "process:python3 '\(folder.appendingPathComponent("minilm_worker.py").path)'"
}

extension CLIProcess {
    /// Writes `lines`, one per line, to `name` and returns its path.
    @discardableResult
    func writeLines(_ name: String, _ lines: [String]) throws -> String {
        try write(name, lines.map { $0 + "\n" }.joined())
    }

    /// The number of records in the scratch store, from `embcache stats --json`.
    func storedEntries() throws -> Int? {
        try run(["stats", "--json"]).json()["entries"] as? Int
    }
}
