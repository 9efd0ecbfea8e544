import Foundation
import Testing

/// `--lines -` and `--jsonl -` read standard input as it arrives: the first batch is encoded and
/// stored while the stream is still open, and the rows come out as a file input would give them.
struct StdinStreamingTests {
    /// An `embcache` run whose standard input the test writes to.
    private struct StreamingRun {
        let process = Process()
        let input = Pipe()
        let stdout: URL
        let stderr: URL

        init(_ cli: CLIProcess, _ arguments: [String]) throws {
            stdout = cli.directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
            stderr = cli.directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
            _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
            _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
            process.executableURL = try CLIProcess.binary()
            process.arguments = arguments
            process.currentDirectoryURL = cli.directory
            var environment = ProcessInfo.processInfo.environment
            environment["EMBCACHE_DIR"] = cli.directory.appendingPathComponent("cache").path
            environment["EMBCACHE_STORE"] = nil
            process.environment = environment
            process.standardInput = input
            process.standardOutput = try FileHandle(forWritingTo: stdout)
            process.standardError = try FileHandle(forWritingTo: stderr)
            try process.run()
        }

        func write(_ text: String) throws {
            try input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
        }

        /// Closes standard input and waits for the run: its status, its `--json` report and its stderr.
        func finish() throws -> (status: Int32, report: [String: Any]?, stderr: String) {
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            let data = try Data(contentsOf: stdout)
            let report = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            return (process.terminationStatus, report, try String(contentsOf: stderr, encoding: .utf8))
        }
    }

    /// Waits until the store holds `count` records, up to a minute; whether it did.
    private func waitForStoredRecords(_ cli: CLIProcess, _ count: Int) throws -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: cli.storePath), try cli.storedEntries() ?? 0 >= count {
                return true
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    @Test func theFirstBatchIsStoredBeforeStandardInputCloses() throws {
        let cli = try CLIProcess()
        let run = try StreamingRun(
            cli,
            ["embed", "--lines", "-", "--encoder", "builtin:bytes?dim=8&batch=4", "--json", "--output", "streamed.npy"]
        )
        try run.write("one\ntwo\nthree\nfour\n")
        #expect(try waitForStoredRecords(cli, 4), "the first batch of 4 was not stored while stdin stayed open")
        try run.write("five\nsix")
        let (status, report, _) = try run.finish()
        #expect(status == 0)
        #expect(report?["inputs"] as? Int == 6)
        #expect(report?["misses"] as? Int == 6)

        try cli.writeLines("in.txt", ["one", "two", "three", "four", "five", "six"])
        let listed = try cli.run([
            "embed", "--lines", "in.txt", "--encoder", "builtin:bytes?dim=8&batch=4", "--json", "--output",
            "listed.npy",
        ])
        #expect(try listed.json()["hits"] as? Int == 6, "\(listed.stderr)")
        let matrices = try ["streamed", "listed"].map { try NPYFile(contentsOf: cli.path("\($0).npy")) }
        #expect(matrices[0].shape == [6, 8])
        #expect(matrices[0].values == matrices[1].values)
    }

    @Test func jsonlRecordsStreamWithTheirIdsInTheRowMap() throws {
        let cli = try CLIProcess()
        let run = try StreamingRun(
            cli,
            [
                "embed", "--jsonl", "-", "--text-field", "text", "--id-field", "id", "--encoder",
                "builtin:bytes?dim=8&batch=2", "--json", "--output", "out.npy",
            ]
        )
        try run.write("{\"id\": \"a\", \"text\": \"alpha\"}\n{\"id\": \"b\", \"text\": \"beta\"}\n")
        #expect(try waitForStoredRecords(cli, 2))
        try run.write("\n{\"id\": 7, \"text\": \"gamma\"}\n")
        let (status, report, _) = try run.finish()
        #expect(status == 0)
        #expect(report?["inputs"] as? Int == 3)
        let rows = try String(contentsOfFile: cli.path("out.npy.ids.jsonl"), encoding: .utf8)
            .split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(rows.map { $0?["id"] as? String } == ["a", "b", "7"])
        #expect(try NPYFile(contentsOf: cli.path("out.npy")).shape == [3, 8])
    }

    @Test func aBadLineEndsTheRunNamingItAndLeavesNoOutput() throws {
        let cli = try CLIProcess()
        let run = try StreamingRun(
            cli,
            [
                "embed", "--jsonl", "-", "--text-field", "text", "--encoder", "builtin:bytes?dim=8", "--output",
                "out.npy",
            ]
        )
        try run.write("{\"text\": \"fine\"}\nnot json\n")
        let (status, _, stderr) = try run.finish()
        #expect(status != 0)
        #expect(stderr.contains("line 2 of --jsonl '-' is not a JSON object"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.path("out.npy")))
    }
}
