import Foundation
import Testing

/// One of the repository's `Scripts/` run by bash with stand-in programs first on the `PATH`, as
/// the tests of the scripts that install what the build and the tests need run them: the stand-ins
/// play a machine without those packages and log what the script asks of them.
struct ScriptWithStandIns {
    let cli: CLIProcess
    /// The file the stand-ins append to (their bodies name it).
    let log: String

    init() throws {
        cli = try CLIProcess()
        log = cli.path("stand-ins.log")
    }

    /// Writes an executable stand-in for the program `name`, whose shell `body` runs with the
    /// arguments the script gives it.
    func standIn(_ name: String, _ body: String) throws {
        #expect(chmod(try cli.write("fakebin/\(name)", "#!/bin/sh\n\(body)\n"), 0o755) == 0)
    }

    /// Runs `Scripts/<name>` with the stand-ins first on the `PATH` and `path` after them.
    ///
    /// - Returns: What the script printed and how it exited, and what the stand-ins logged.
    func run(_ name: String, path: String) throws -> (output: CLIProcess.Output, log: String) {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts/\(name)")
        let output = try cli.run(
            program: URL(fileURLWithPath: "/bin/bash"),
            [script.path],
            environment: ["PATH": cli.path("fakebin") + ":" + path]
        )
        return (output, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }
}
