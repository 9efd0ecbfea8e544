import Foundation
import Testing

/// `embcache verify` on a healthy store, a store with a record corrupted on disk, and a store whose
/// database file is damaged, which `--repair` rebuilds.
struct VerifyCommandTests {
    private let encoder = "builtin:bytes?dim=32"

    /// A scratch cache holding ten embedded files.
    private func embeddedCache() throws -> CLIProcess {
        let cli = try CLIProcess()
        _ = try ConcurrentProcessTests.writeFiles(cli, folder: "inputs", count: 10, tag: "verify")
        #expect(try cli.run(["embed", cli.path("inputs"), "--encoder", encoder]).status == 0)
        return cli
    }

    @Test func aHealthyStoreVerifiesClean() throws {
        let cli = try embeddedCache()
        let run = try cli.run(["verify", "--json"])
        #expect(run.status == 0)
        let report = try run.json()
        #expect(report["records"] as? Int == 10 && report["corrupt"] as? Int == 0 && report["repaired"] as? Int == 0)
        #expect((report["corrupt_entries"] as? [Any])?.isEmpty == true)
    }

    @Test func aRecordCorruptedOnDiskIsReportedThenRepaired() throws {
        let cli = try embeddedCache()
        try SQLiteShell.corruptPayload(cli.storePath, rowid: 3)
        let digest = try #require(
            try cli.run(["explain", cli.path("inputs/0002.bin"), "--encoder", encoder, "--json"]).json()["digest"]
                as? String
        )

        let found = try cli.run(["verify", "--json"])
        #expect(found.status == 4, "corrupt records remain: \(found.stderr)")
        let report = try found.json()
        #expect(report["records"] as? Int == 10 && report["corrupt"] as? Int == 1 && report["repaired"] as? Int == 0)
        let entries = try #require(report["corrupt_entries"] as? [[String: Any]])
        #expect(entries.map { $0["digest"] as? String } == [digest])
        #expect((entries.first?["namespace"] as? [String: Any])?["model"] as? String == "builtin:bytes/v1?dim=32")

        let repaired = try cli.run(["verify", "--repair", "--json"])
        #expect(repaired.status == 0, "\(repaired.stderr)")
        #expect(try repaired.json()["repaired"] as? Int == 1)
        let after = try cli.run(["verify", "--json"])
        #expect(after.status == 0)
        #expect(try after.json()["records"] as? Int == 9)
        let embed = try cli.run(["embed", cli.path("inputs"), "--encoder", encoder, "--json"]).json()
        #expect(embed["hits"] as? Int == 9 && embed["encoded"] as? Int == 1 && embed["corrupt"] as? Int == 0)
    }

    @Test func aDamagedDatabaseFileIsReportedNotCrashedOn() throws {
        let cli = try CLIProcess()
        _ = try ConcurrentProcessTests.writeFiles(cli, folder: "inputs", count: 400, tag: "damaged")
        #expect(try cli.run(["embed", cli.path("inputs"), "--encoder", encoder]).status == 0)
        try SQLiteShell.run(cli.storePath, "PRAGMA wal_checkpoint(TRUNCATE);")
        // Overwrite the start of every page after the first two (the header and the schema stay).
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: cli.storePath))
        let size = try handle.seekToEnd()
        for offset in stride(from: UInt64(2 * 8192), to: size, by: 8192) {
            try handle.seek(toOffset: offset)
            try handle.write(contentsOf: Data(repeating: 0xA5, count: 100))
        }
        try handle.close()

        let run = try cli.run(["verify", "--json"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("database file is damaged"), "\(run.stderr)")
        #expect(run.stderr.contains(cli.storePath))
    }

    @Test func aDamagedDatabaseFileNamesItsRepairAndIsRebuiltByIt() throws {
        let cli = try CLIProcess()
        _ = try ConcurrentProcessTests.writeFiles(cli, folder: "inputs", count: 400, tag: "rebuilt")
        #expect(try cli.run(["embed", cli.path("inputs"), "--encoder", encoder]).status == 0)
        try SQLiteShell.run(cli.storePath, "PRAGMA wal_checkpoint(TRUNCATE);")
        // Overwrite the start of two leaf pages of the records' b-tree, found through `dbstat`.
        let offsets = try SQLiteShell.leafPageOffsets(cli.storePath, of: "entry", count: 2)
        #expect(offsets.count == 2)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: cli.storePath))
        for offset in offsets {
            try handle.seek(toOffset: offset)
            try handle.write(contentsOf: Data(repeating: 0xA5, count: 100))
        }
        try handle.close()

        let embed = try cli.run(["embed", cli.path("inputs"), "--encoder", encoder])
        #expect(embed.status == 1)
        #expect(embed.stderr.contains("embcache verify --repair --store \(cli.storePath)"), "\(embed.stderr)")

        let repaired = try cli.run(["verify", "--repair", "--json"])
        #expect(repaired.status == 0, "\(repaired.stderr)")
        let report = try repaired.json()
        let rebuild = try #require(report["rebuild"] as? [String: Any])
        let kept = try #require(rebuild["kept"] as? Int)
        #expect(kept > 0 && kept + (rebuild["dropped"] as? Int ?? 0) <= 400, "\(report)")
        #expect(report["records"] as? Int == kept && report["corrupt"] as? Int == 0, "\(report)")
        let damaged = try #require(rebuild["damaged_file"] as? String)
        #expect(damaged.hasPrefix("\(cli.storePath).damaged-") && FileManager.default.fileExists(atPath: damaged))

        #expect(try cli.run(["verify"]).status == 0)
        let again = try cli.run(["embed", cli.path("inputs"), "--encoder", encoder, "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        let figures = try again.json()
        #expect(figures["hits"] as? Int == kept && figures["encoded"] as? Int == 400 - kept)
    }

    @Test func aRebuildRefusesWhileAnotherProcessHasTheStoreOpenAndNamesIt() throws {
        let cli = try embeddedCache()
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        shell.arguments = ["sqlite3", cli.storePath]
        let input = Pipe()
        let output = Pipe()
        shell.standardInput = input
        shell.standardOutput = output
        try shell.run()
        input.fileHandleForWriting.write(Data("PRAGMA journal_mode;\n".utf8))
        #expect(String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).contains("wal"))

        let refused = try cli.run(["verify", "--repair", "--json"])
        try input.fileHandleForWriting.close()
        shell.waitUntilExit()
        #expect(refused.status == 0, "an undamaged store is verified, not rebuilt: \(refused.stderr)")
        #expect(try refused.json()["rebuild"] == nil)

        // Damage it, then hold it open again: the rebuild refuses and names the process.
        try SQLiteShell.run(cli.storePath, "PRAGMA wal_checkpoint(TRUNCATE);")
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: cli.storePath))
        try handle.seek(toOffset: UInt64(2 * 8192))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 100))
        try handle.close()
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["sqlite3", cli.storePath]
        let holderInput = Pipe()
        let holderOutput = Pipe()
        holder.standardInput = holderInput
        holder.standardOutput = holderOutput
        try holder.run()
        holderInput.fileHandleForWriting.write(Data("PRAGMA journal_mode;\n".utf8))
        _ = holderOutput.fileHandleForReading.availableData
        let busy = try cli.run(["verify", "--repair"])
        try holderInput.fileHandleForWriting.close()
        holder.waitUntilExit()
        #expect(busy.status == 1)
        #expect(busy.stderr.contains("process \(holder.processIdentifier) has it open"), "\(busy.stderr)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: cli.path("cache")).allSatisfy {
                !$0.contains("damaged-")
            }
        )

        let rebuilt = try cli.run(["verify", "--repair", "--json"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(try rebuilt.json()["rebuild"] != nil)
    }
}
