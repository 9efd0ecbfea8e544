import Foundation
import Testing

/// The server terminating an `embcache` process's connections while it starts (the schema check,
/// the pool's first connections): the command ends on its own, with its result or a clear error,
/// never a hang.
@Suite(.enabled(if: PostgresTestStore.enabled, PostgresTestStore.skipReason))
struct PostgresStartupInterruptionTests {
    /// How long one command may take before it counts as hung.
    static let bound: TimeInterval = 90

    @Test func backendsTerminatedWhileACommandStartsEndInAResultOrAClearError() throws {
        let cli = try CLIProcess()
        _ = try ConcurrentProcessTests.writeFiles(cli, folder: "inputs", count: 50, tag: "startup")
        for trial in 0..<6 {
            let store = try PostgresTestStore()
            let killer = try store.terminatingBackends(seconds: 4)
            let stderr = cli.path("stderr-\(trial)")
            _ = FileManager.default.createFile(atPath: stderr, contents: nil)
            let process = Process()
            process.executableURL = try CLIProcess.binary()
            process.arguments = [
                "embed", cli.path("inputs"), "--encoder", "builtin:bytes?dim=8", "--store", store.url, "--json",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderr))
            try process.run()
            let deadline = Date(timeIntervalSinceNow: Self.bound)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            let hung = process.isRunning
            if hung { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            killer.waitUntilExit()
            let message = try String(contentsOfFile: stderr, encoding: .utf8)
            #expect(!hung, "trial \(trial): embcache did not end within \(Int(Self.bound)) s")
            #expect([0, 1].contains(process.terminationStatus), "trial \(trial): \(message)")
            if process.terminationStatus == 1 {
                #expect(message.hasPrefix("embcache: store failed: "), "trial \(trial): \(message)")
                #expect(message.contains(store.schema) && !message.contains(store.password))
            }
        }
    }
}

extension PostgresTestStore {
    /// Starts terminating this store's server connections (by their application name) every 20 ms
    /// for `seconds`, from `psql`; the returned process ends by itself.
    func terminatingBackends(seconds: Int) throws -> Process {
        let statement = """
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '\(schema)'
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [
            "-c",
            "end=$((SECONDS + \(seconds))); while [ $SECONDS -lt $end ]; do "
                + "psql \"$0\" -qAtc \"$1\" >/dev/null 2>&1; sleep 0.02; done",
            server, statement,
        ]
        try process.run()
        return process
    }
}
