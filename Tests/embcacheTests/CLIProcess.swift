import EmbeddingCacheTesting
import Foundation
import Testing

/// Runs the built `embcache` binary in a scratch directory with its own cache, as a user would.
/// The directory is removed when the last copy of the value is released.
struct CLIProcess {
    /// What one run printed and returned.
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String

        /// The stdout parsed as the one JSON object `--json` prints.
        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            return try #require(object as? [String: Any])
        }
    }

    private let scratch: ScratchDirectory

    /// Creates a fresh scratch directory.
    init() throws {
        scratch = try ScratchDirectory(prefix: "embcache-cli")
    }

    /// The scratch directory: inputs go in it, and `EMBCACHE_DIR` points at `cache/` below it.
    var directory: URL { scratch.url }

    /// The default store file of this scratch directory.
    var storePath: String { directory.appendingPathComponent("cache/cache.sqlite").path }

    /// Writes a file below the scratch directory, creating folders.
    @discardableResult
    func write(_ relativePath: String, _ contents: String) throws -> String {
        let url = directory.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
        return url.path
    }

    /// A path below the scratch directory.
    func path(_ relativePath: String) -> String { directory.appendingPathComponent(relativePath).path }

    /// Runs `embcache arguments…` in the scratch directory and waits for it.
    ///
    /// - Parameters:
    ///   - arguments: The command line after `embcache`.
    ///   - variables: Environment variables to set on top of `EMBCACHE_DIR`.
    func run(_ arguments: [String], environment variables: [String: String] = [:]) throws -> Output {
        var environment: [String: String?] = [
            "EMBCACHE_DIR": directory.appendingPathComponent("cache").path, "EMBCACHE_STORE": nil,
        ]
        environment.merge(variables.mapValues { $0 }) { $1 }
        return try run(program: try Self.binary(), arguments, environment: environment)
    }

    /// Runs any program in the scratch directory and waits for it.
    ///
    /// - Parameters:
    ///   - program: The executable.
    ///   - arguments: Its arguments.
    ///   - changes: Environment variables to set (a value) or remove (`nil`) from this process's.
    func run(program: URL, _ arguments: [String], environment changes: [String: String?]) throws -> Output {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in changes { environment[name] = value }
        process.environment = environment
        let stdout = directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let stderr = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()
        process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(at: stdout)
            try? FileManager.default.removeItem(at: stderr)
        }
        return Output(
            status: process.terminationStatus,
            stdout: try String(contentsOf: stdout, encoding: .utf8),
            stderr: try String(contentsOf: stderr, encoding: .utf8)
        )
    }

    /// The `embcache` executable: `$EMBCACHE_BINARY`, else next to the test bundle, else in the
    /// package's `.build/debug`.
    static func binary() throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["EMBCACHE_BINARY"] {
            candidates.append(URL(fileURLWithPath: path))
        }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [runner, Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()] {
            candidates.append(directory.appendingPathComponent("embcache"))
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(package.appendingPathComponent(".build/debug/embcache"))
        guard
            let found = candidates.first(where: {
                FileManager.default.isExecutableFile(atPath: $0.path) && !Self.isDirectory($0)
            })
        else {
            throw CLIProcessError(message: "no embcache binary among \(candidates.map(\.path)); run swift build first")
        }
        return found
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// The test could not find or run the binary.
struct CLIProcessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
