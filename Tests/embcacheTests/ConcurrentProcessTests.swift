import EmbeddingCacheTesting
import Foundation
import Testing

/// Several `embcache` processes on one cache file, and processes killed mid-run.
struct ConcurrentProcessTests {
    /// Writes `count` distinct small files into `folder` below the scratch directory.
    static func writeFiles(_ cli: CLIProcess, folder: String, count: Int, tag: String) throws -> [String] {
        try (0..<count).map { try cli.write("\(folder)/\(String(format: "%04d", $0)).bin", "\(tag) file \($0)") }
    }

    /// Starts `embcache arguments…` without waiting, with the scratch directory's cache.
    static func start(_ cli: CLIProcess, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = try CLIProcess.binary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["EMBCACHE_DIR"] = cli.directory.appendingPathComponent("cache").path
        environment["EMBCACHE_STORE"] = nil
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Polls `embcache stats` until the store holds `count` entries (a few batches committed).
    static func waitForEntries(_ cli: CLIProcess, atLeast count: Int) throws {
        let deadline = Date(timeIntervalSinceNow: 60)
        while Date() < deadline {
            if let entries = try? cli.run(["stats", "--json"]).json()["entries"] as? Int, entries >= count { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("the store never reached \(count) entries")
    }

    @Test func twoProcessesWritingOneFileLoseNothingAndNeverSurfaceLocks() throws {
        let cli = try CLIProcess()
        _ = try Self.writeFiles(cli, folder: "a", count: 150, tag: "a")
        _ = try Self.writeFiles(cli, folder: "b", count: 150, tag: "b")
        _ = try Self.writeFiles(cli, folder: "shared", count: 100, tag: "shared")
        let encoder = "builtin:bytes?dim=64&cost-ms=1"
        let first = try Self.start(
            cli,
            ["embed", cli.path("a"), cli.path("shared"), "--encoder", encoder, "--batch-size", "4"]
        )
        let second = try Self.start(
            cli,
            ["embed", cli.path("shared"), cli.path("b"), "--encoder", encoder, "--batch-size", "4"]
        )
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)

        let stats = try cli.run(["stats", "--json"])
        #expect(try stats.json()["entries"] as? Int == 400)
        let again = try cli.run([
            "embed", cli.path("a"), cli.path("b"), cli.path("shared"), "--encoder", encoder, "--json",
        ])
        let report = try again.json()
        #expect(report["hits"] as? Int == 400 && report["encoded"] as? Int == 0 && report["corrupt"] as? Int == 0)
    }

    /// Eight processes started together on the same new inputs share one cache file's leases:
    /// each input is encoded about once, not once per process.
    @Test func eightProcessesOnOneFileEncodeEachInputOnce() throws {
        let cli = try CLIProcess()
        _ = try Self.writeFiles(cli, folder: "shared", count: 200, tag: "eight")
        let arguments = [
            "embed", cli.path("shared"), "--encoder", "builtin:bytes?dim=64&cost-ms=2", "--batch-size", "8", "--json",
        ]
        let runs = try (0..<8).map { _ in try PostgresProcessTests.start(cli, arguments + ["--store", cli.storePath]) }
        let reports = try runs.map { try $0.report() }
        let encoded = reports.compactMap { $0["encoded"] as? Int }
        #expect(encoded.count == 8)
        #expect(encoded.reduce(0, +) <= 210, "encoded per process: \(encoded)")
        #expect(reports.allSatisfy { $0["failed"] as? Int == 0 && $0["inputs"] as? Int == 200 })
        #expect(try cli.storedEntries() == 200)
    }

    /// Processes opening a store while others read it: the read-only compatibility check that
    /// opening starts with must wait for the others' locks like every other connection, not fail
    /// with SQLITE_BUSY (before it waited, a few openers in thirty failed here).
    @Test func processesOpeningAStoreOthersAreReadingNeverFailToOpenIt() throws {
        let cli = try CLIProcess()
        let large = Data(repeating: 7, count: 50_000)
        for index in 0..<300 {
            let path = cli.path("large/\(index).bin")
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try (large + Data("\(index)".utf8)).write(to: URL(fileURLWithPath: path))
        }
        _ = try Self.writeFiles(cli, folder: "small", count: 5, tag: "small")
        let arguments = { (folder: String) in ["embed", cli.path(folder), "--encoder", "builtin:bytes?dim=16"] }
        #expect(try cli.run(arguments("large") + [cli.path("small")]).status == 0)
        var failures = 0
        for _ in 0..<30 {
            let processes = try ["large", "large", "small"].map { try Self.start(cli, arguments($0)) }
            for process in processes {
                process.waitUntilExit()
                if process.terminationStatus != 0 { failures += 1 }
            }
        }
        #expect(failures == 0)
    }

    /// Runs killed at seeded random moments (the encoder costs nothing, so the moments land in
    /// reads, seals, puts, commits and side-file writes), with records below and above the
    /// side-file threshold: every interrupted cache opens, holds no corrupt record and serves only
    /// vectors equal to a fresh encode. `KillTrial` also backs the `reliability` benchmark suite.
    @Test(arguments: [
        (files: 1000, dimension: 384, window: 600),
        (files: 12, dimension: 300_000, window: 1500),
    ])
    func processesKilledAtRandomMomentsLeaveCachesThatServeOnlyWholeRecords(
        files: Int,
        dimension: Int,
        window: Int
    ) throws {
        var outcomes = [KillTrial.Outcome]()
        for seed in UInt64(1)...3 {
            var trial = KillTrial(binary: try CLIProcess.binary(), files: files, dimension: dimension, seed: seed)
            trial.window = .milliseconds(window)
            let outcome = try trial.run()
            #expect(outcome.opened, "seed \(seed): the interrupted cache must open")
            #expect(outcome.corrupt == 0, "seed \(seed)")
            #expect(outcome.wrongVectors == 0, "seed \(seed): every served vector must equal a fresh encode")
            outcomes.append(outcome)
        }
        #expect(outcomes.contains { $0.killedMidRun }, "at least one kill should land mid-run: \(outcomes)")
    }
}

/// A record corrupted on disk, behind the cache's back, as an operator or a failing disk would.
struct CorruptionEndToEndTests {
    @Test func aRecordCorruptedInTheSQLiteFileIsDetectedReencodedAndReplaced() throws {
        let cli = try CLIProcess()
        _ = try ConcurrentProcessTests.writeFiles(cli, folder: "inputs", count: 10, tag: "corrupt")
        let encoder = "builtin:bytes?dim=32"
        #expect(try cli.run(["embed", cli.path("inputs"), "--encoder", encoder]).status == 0)

        try SQLiteShell.corruptPayload(cli.storePath, rowid: 3)

        let run = try cli.run([
            "embed", cli.path("inputs"), "--encoder", encoder, "--json", "--output", cli.path("after.npy"),
        ])
        let report = try run.json()
        #expect(report["corrupt"] as? Int == 1 && report["misses"] as? Int == 1 && report["hits"] as? Int == 9)
        #expect(report["encoded"] as? Int == 1)
        let fresh = try cli.run([
            "embed", cli.path("inputs"), "--encoder", encoder, "--no-cache", "--output", cli.path("fresh.npy"),
        ])
        #expect(fresh.status == 0)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: cli.path("after.npy")))
                == Data(contentsOf: URL(fileURLWithPath: cli.path("fresh.npy")))
        )

        let healed = try cli.run(["embed", cli.path("inputs"), "--encoder", encoder, "--json"]).json()
        #expect(healed["hits"] as? Int == 10 && healed["corrupt"] as? Int == 0)
    }
}
