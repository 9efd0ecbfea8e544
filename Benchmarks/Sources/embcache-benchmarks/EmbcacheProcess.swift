import Foundation

/// A run of the release `embcache` binary next to this one, with `--json`.
struct EmbcacheProcess {
    private let process = Process()
    private let output = Pipe()
    private let command: String

    /// Starts `embcache ARGUMENTS --json`.
    init(_ arguments: [String]) throws {
        command = arguments.first ?? ""
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("embcache")
        process.arguments = arguments + ["--json"]
        process.standardOutput = output
        try process.run()
    }

    /// Waits for the process and returns its JSON report; throws when it failed.
    func report() throws -> [String: Any] {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let report = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw BenchmarkFailure("embcache \(command) exited with \(process.terminationStatus)") }
        return report
    }
}
