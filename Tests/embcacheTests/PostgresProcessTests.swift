import Foundation
import Testing

/// Several `embcache` processes on one PostgreSQL store (the server `Scripts/test.sh` starts).
@Suite(.enabled(if: PostgresTestStore.enabled, PostgresTestStore.skipReason))
struct PostgresProcessTests {
    /// A store URL on the test server, in a schema of its own.
    static func storeURL() throws -> String { try PostgresTestStore().url }

    /// A started `embcache` process whose stdout goes to a file.
    struct Running {
        let process: Process
        let stdout: URL

        /// Waits for the process and parses its `--json` object.
        func report() throws -> [String: Any] {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: stdout))
            return try #require(object as? [String: Any])
        }
    }

    static func start(_ cli: CLIProcess, _ arguments: [String]) throws -> Running {
        let process = Process()
        process.executableURL = try CLIProcess.binary()
        process.arguments = arguments
        let stdout = cli.directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = FileHandle.nullDevice
        try process.run()
        return Running(process: process, stdout: stdout)
    }

    static func entries(_ cli: CLIProcess, _ store: String) throws -> Int {
        try #require(try cli.run(["stats", "--store", store, "--json"]).json()["entries"] as? Int)
    }

    @Test func twoProcessesPrecomputingOneDatasetEncodeEachInputOnce() throws {
        let cli = try CLIProcess()
        let store = try Self.storeURL()
        _ = try ConcurrentProcessTests.writeFiles(cli, folder: "data", count: 500, tag: "shared")
        let arguments = [
            "embed", cli.path("data"), "--encoder", "builtin:bytes?dim=64&cost-ms=2", "--batch-size", "16",
            "--store", store, "--json",
        ]
        let runs = try (0..<2).map { _ in try Self.start(cli, arguments) }
        let reports = try runs.map { try $0.report() }
        let encoded = reports.compactMap { $0["encoded"] as? Int }
        #expect(encoded.count == 2 && encoded.reduce(0, +) == 500, "encoded per process: \(encoded)")
        #expect(reports.allSatisfy { $0["failed"] as? Int == 0 && $0["inputs"] as? Int == 500 })
        let password = try PostgresTestStore().password
        for report in reports {
            let shown = try #require(report["store"] as? String, "the report names its store")
            #expect(shown.contains(":***@") && !shown.contains(password), "the store is shown with its password hidden")
        }
        #expect(try Self.entries(cli, store) == 500)
    }

    @Test func aProcessKilledWhileHoldingLeasesIsTakenOverAfterTheyExpire() throws {
        let cli = try CLIProcess()
        let store = try Self.storeURL()
        _ = try ConcurrentProcessTests.writeFiles(cli, folder: "data", count: 200, tag: "killed")
        let arguments = [
            "embed", cli.path("data"), "--encoder", "builtin:bytes?dim=64&cost-ms=10", "--batch-size", "16",
            "--store", store, "--lease-seconds", "2", "--json",
        ]
        let victim = try Self.start(cli, arguments)
        let deadline = Date(timeIntervalSinceNow: 60)
        while (try? Self.entries(cli, store)) ?? 0 < 16, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        kill(victim.process.processIdentifier, SIGKILL)
        victim.process.waitUntilExit()
        let stored = try Self.entries(cli, store)
        #expect(stored > 0 && stored < 200)
        let report = try Self.start(cli, arguments).report()
        #expect(report["failed"] as? Int == 0 && report["corrupt"] as? Int == 0)
        #expect(report["hits"] as? Int == stored && report["encoded"] as? Int == 200 - stored)
        #expect(try Self.entries(cli, store) == 200)
    }
}
