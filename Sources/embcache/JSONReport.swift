import Foundation

/// Prints `--json` reports: one JSON object on one line of stdout, keys in snake case and sorted.
enum JSONReport {
    /// Prints `report` on stdout.
    static func print(_ report: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(report)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
