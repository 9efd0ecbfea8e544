import Foundation

/// A run of an `embcache` binary (the one `--embcache` names), with `--json`.
struct EmbcacheProcess {
    private let process = Process()
    private let output = Pipe()
    private let errors: URL
    private let command: String

    /// Starts `BINARY ARGUMENTS --json`; its standard error goes to a scratch file. A relative
    /// binary path is relative to the current directory.
    ///
    /// - Parameter variables: Environment variables set on top of this process's.
    init(_ arguments: [String], binary: String, environment variables: [String: String] = [:]) throws {
        command = arguments.first ?? ""
        errors = FileManager.default.temporaryDirectory.appendingPathComponent("embcache-bench-\(UUID()).err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments + ["--json"]
        if !variables.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(variables) { $1 }
        }
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
    }

    /// Waits for the process: its JSON report (`nil` when it failed) and what it wrote to stderr.
    func outcome() throws -> (report: [String: Any]?, stderr: String) {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: errors) }
        let stderr = String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self)
        guard process.terminationStatus == 0 else { return (nil, stderr) }
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any], stderr)
    }

    /// Waits for the process and returns its JSON report; throws when it failed.
    func report() throws -> [String: Any] {
        let (report, stderr) = try outcome()
        guard let report else { throw BenchmarkFailure("embcache \(command) failed: \(stderr)") }
        return report
    }
}
