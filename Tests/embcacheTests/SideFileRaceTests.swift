import Foundation
import Testing

/// Processes writing records kept in side files while other processes prune and clear the store.
struct SideFileRaceTests {
    /// Runs per process in the race.
    static let rounds = 16

    /// Writers that store records kept in side files (two `import`s of the same export, which
    /// re-store every record, and an `embed`) race a process that clears the store and one that
    /// prunes it, every process a separate `embcache`, while a checker repeatedly takes the write
    /// lock and lists the committed rows whose side file is missing: there must be none, at any
    /// check or after the race.
    @Test func rowsKeepTheirSideFilesWhileWritersRacePruneAndClear() throws {
        let cli = try CLIProcess()
        _ = try ConcurrentProcessTests.writeFiles(cli, folder: "data", count: 12, tag: "race")
        let store = ["--store", cli.storePath, "--json"]
        let embed = ["embed", cli.path("data"), "--encoder", "builtin:bytes?dim=262144"] + store
        #expect(try cli.run(embed).status == 0)
        let namespace = "builtin:bytes/v1?dim=262144|raw-bytes|lossless"
        #expect(try cli.run(["export", "--namespace", namespace, "--out", cli.path("export")]).status == 0)
        let load = ["import", cli.path("export")] + store
        let removers = [["clear", "--yes"] + store, ["prune", "--max-size", "0"] + store]
        let commands = removers + [load, load, embed]
        var running = try commands.map { try PostgresProcessTests.start(cli, $0) }
        var checker = try Self.startChecker(cli)
        var removals = Array(repeating: 1, count: removers.count)
        var (checks, missing) = (0, [String]())
        while running.contains(where: \.process.isRunning) || checker.process.isRunning {
            let removing = removals.contains { $0 < Self.rounds }
            for index in commands.indices where !running[index].process.isRunning {
                if index < removers.count ? removals[index] >= Self.rounds : !removing { continue }
                _ = try running[index].report()
                running[index] = try PostgresProcessTests.start(cli, commands[index])
                if index < removers.count { removals[index] += 1 }
            }
            if !checker.process.isRunning, removing || running.contains(where: \.process.isRunning) {
                missing += try Self.missing(checker)
                checks += 1
                checker = try Self.startChecker(cli)
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        missing += try Self.missing(checker)
        for run in running { _ = try run.report() }
        #expect(checks > Self.rounds, "the checker ran \(checks) times")
        #expect(missing.isEmpty, "\(missing.count) committed rows without their side file, first \(missing.prefix(3))")
        let verified = try cli.run(["verify", "--json"])
        #expect(try verified.status == 0 && verified.json()["corrupt"] as? Int == 0)
    }

    /// Starts the sqlite3 shell listing, under the write lock, the side files that committed rows
    /// name and that do not exist (payloads kept inline have no side file).
    static func startChecker(_ cli: CLIProcess) throws -> PostgresProcessTests.Running {
        let names = cli.path("names-\(UUID().uuidString)")
        let script = try cli.write(
            "check-side-files.sh",
            "for f in $(cat \"$1\"); do [ -e \"\(cli.storePath).blobs/$f\" ] || echo \"$f\"; done\n"
        )
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "sqlite3", cli.storePath, ".timeout 60000", "BEGIN IMMEDIATE;", ".output \(names)",
            "SELECT namespace_id || '-' || lower(hex(digest)) || '-' || printf('%08x', checksum) FROM entry WHERE typeof(payload) = 'null';",
            ".output stdout", ".shell sh \(script) \(names)", "ROLLBACK;",
        ]
        let stdout = cli.directory.appendingPathComponent(".checker-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        try process.run()
        return PostgresProcessTests.Running(process: process, stdout: stdout)
    }

    /// Waits for a checker and returns the missing side files it listed.
    static func missing(_ checker: PostgresProcessTests.Running) throws -> [String] {
        checker.process.waitUntilExit()
        #expect(checker.process.terminationStatus == 0, "the sqlite3 shell failed")
        return String(decoding: try Data(contentsOf: checker.stdout), as: UTF8.self).split(separator: "\n").map(
            String.init
        )
    }

    /// Side files no record uses and over an hour old are removed by `prune` and `verify --repair`,
    /// and kept by a plain `verify`.
    @Test func pruneAndRepairSweepOldOrphanSideFiles() throws {
        let cli = try CLIProcess()
        _ = try ConcurrentProcessTests.writeFiles(cli, folder: "data", count: 2, tag: "orphans")
        let embed = ["embed", cli.path("data"), "--encoder", "builtin:bytes?dim=300000"]
        #expect(try cli.run(embed).status == 0)
        let blobs = "\(cli.storePath).blobs"
        let files = try FileManager.default.contentsOfDirectory(atPath: blobs)
        #expect(files.count == 2)
        func leaveOrphan() throws -> String {
            let path = "\(blobs)/\(try #require(files.first))"
            try FileManager.default.copyItem(atPath: path, toPath: "\(path).copy")
            let orphan = "\(blobs)/\(files[0].dropLast(8))00000000"
            try FileManager.default.moveItem(atPath: "\(path).copy", toPath: orphan)
            let old = Date(timeIntervalSinceNow: -7200)
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: orphan)
            return orphan
        }
        let orphan = try leaveOrphan()
        #expect(try cli.run(["verify"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: orphan), "a plain verify changes nothing")
        #expect(try cli.run(["verify", "--repair"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: orphan))
        _ = try leaveOrphan()
        #expect(try cli.run(["prune", "--older-than", "1000d"]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: blobs).sorted() == files.sorted())
        let again = try cli.run(embed + ["--json"]).json()
        #expect(again["hits"] as? Int == 2 && again["corrupt"] as? Int == 0)
    }
}
