import EmbeddingCache
import EmbeddingCacheEncoders
import Foundation
import Testing

/// End-to-end runs of the built `embcache embed` binary in a scratch directory.
struct EmbedEndToEndTests {
    private let encoder = "builtin:bytes?dim=16"

    /// A folder of `count` small files, plus hidden ones the expansion must skip.
    private func makeFolder(_ cli: CLIProcess, count: Int = 5) throws -> [String] {
        try cli.write("data/.hidden", "hidden file")
        try cli.write("data/.git/config", "hidden folder")
        return try (0..<count).map {
            try cli.write("data/\($0 % 2 == 0 ? "sub/" : "")item-\($0).txt", "contents \($0)")
        }
        .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The vector the built-in encoder gives `path`'s bytes, computed in this process.
    private func reference(_ path: String) async throws -> [Float] {
        let input = EncoderInput(parts: [try Data(contentsOf: URL(fileURLWithPath: path))], label: path)
        let results = try await BytesEncoder(dimension: 16).encode([input])
        return try #require(try results.first?.get().tensors.first?.tensor.floatValues())
    }

    @Test func secondRunIsAllHits() throws {
        let cli = try CLIProcess()
        _ = try makeFolder(cli)
        let first = try cli.run(["embed", "data", "--encoder", encoder, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let cold = try first.json()
        #expect(cold["inputs"] as? Int == 5)
        #expect(cold["misses"] as? Int == 5)
        #expect(cold["encoded"] as? Int == 5)
        #expect(cold["hits"] as? Int == 0)
        #expect(cold["store"] as? String == cli.storePath)
        let second = try cli.run(["embed", "data", "--encoder", encoder, "--json"])
        let warm = try second.json()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(warm["inputs"] as? Int == 5)
        #expect(warm["hits"] as? Int == 5)
        #expect(warm["misses"] as? Int == 0)
        #expect(warm["encoded"] as? Int == 0)
        #expect(warm["failed"] as? Int == 0)
        #expect((warm["failures"] as? [Any])?.isEmpty == true)
        for key in ["duplicates", "corrupt"] { #expect(warm[key] as? Int == 0, "\(key)") }
        #expect(warm["seconds"] is Double)
    }

    @Test func humanSummaryGoesToStderr() throws {
        let cli = try CLIProcess()
        _ = try makeFolder(cli, count: 2)
        let result = try cli.run(["embed", "data", "--encoder", encoder])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("2 inputs"))
    }

    @Test func npyOutputMatchesTheEncoderInInputOrder() async throws {
        let cli = try CLIProcess()
        let files = try makeFolder(cli)
        let extra = try cli.write("extra.txt", "one more")
        let result = try cli.run(["embed", extra, "data", "--encoder", encoder, "--output", "out.npy"])
        #expect(result.status == 0, "\(result.stderr)")
        let matrix = try NPYFile(contentsOf: cli.path("out.npy"))
        #expect(matrix.descriptor == "<f4")
        #expect(matrix.shape == [6, 16])
        for (row, path) in ([extra] + files).enumerated() {
            #expect(matrix.row(row) == (try await reference(path)), "row \(row): \(path)")
        }
    }

    @Test func safetensorsOutputHoldsEveryRecord() async throws {
        let cli = try CLIProcess()
        let files = try makeFolder(cli, count: 3)
        let result = try cli.run(["embed", "data", "--encoder", encoder, "--output", "out.safetensors"])
        #expect(result.status == 0, "\(result.stderr)")
        let file = try SafetensorsReader(data: Data(contentsOf: URL(fileURLWithPath: cli.path("out.safetensors"))))
        #expect(file.tensors.map(\.name) == ["0/embedding", "1/embedding", "2/embedding"])
        #expect(file.metadata["rows"] == "3")
        for (row, path) in files.enumerated() {
            #expect(file.tensors[row].tensor.shape == [16])
            #expect(file.tensors[row].tensor.floatValues() == (try await reference(path)))
        }
    }

    @Test func noCacheTouchesNoStore() throws {
        let cli = try CLIProcess()
        _ = try makeFolder(cli, count: 3)
        for _ in 0..<2 {
            let result = try cli.run(["embed", "data", "--encoder", encoder, "--no-cache", "--json"])
            let report = try result.json()
            #expect(result.status == 0, "\(result.stderr)")
            #expect(report["misses"] as? Int == 3)
            #expect(report["hits"] as? Int == 0)
            #expect(report["store"] == nil)
        }
        #expect(!FileManager.default.fileExists(atPath: cli.path("cache")))
    }

    @Test func missingPathFailsTheRunAndNamesIt() throws {
        let cli = try CLIProcess()
        _ = try makeFolder(cli, count: 1)
        let result = try cli.run(["embed", "data", "no-such-file.png", "--encoder", encoder])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no-such-file.png"))
    }

    @Test func unreadableInputFailsAloneWithANaNRow() async throws {
        let cli = try CLIProcess()
        let good = try cli.write("good.txt", "fine")
        let bad = try unreadableFile(cli)
        let result = try cli.run(["embed", good, bad, "--encoder", encoder, "--output", "out.npy", "--json"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains(bad))
        let report = try result.json()
        #expect(report["inputs"] as? Int == 2)
        #expect(report["failed"] as? Int == 1)
        let failures = try #require(report["failures"] as? [[String: String]])
        #expect(failures.first?["path"] == bad)
        #expect(failures.first?["reason"]?.isEmpty == false)
        let matrix = try NPYFile(contentsOf: cli.path("out.npy"))
        #expect(matrix.shape == [2, 16])
        #expect(matrix.row(0) == (try await reference(good)))
        #expect(matrix.row(1).allSatisfy { $0.isNaN })
    }

    /// A regular file this process cannot read, even as root.
    private func unreadableFile(_ cli: CLIProcess) throws -> String {
        #if os(Linux)
        return "/proc/self/mem"
        #else
        let path = try cli.write("locked.txt", "secret")
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: path)
        return path
        #endif
    }

    @Test func npyRejectsBFloat16Storage() throws {
        let cli = try CLIProcess()
        _ = try makeFolder(cli, count: 2)
        let result = try cli.run([
            "embed", "data", "--encoder", encoder, "--storage-policy", "bfloat16", "--output", "out.npy",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("bfloat16"))
        #expect(!FileManager.default.fileExists(atPath: cli.path("out.npy")))
    }

    @Test func usageErrorExitsWithTwo() throws {
        let cli = try CLIProcess()
        let result = try cli.run(["embed", "data", "--encoder", "builtin:nope"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("nope"))
    }

    @Test func storeThatIsNotOursFailsClearly() throws {
        let cli = try CLIProcess()
        _ = try makeFolder(cli, count: 1)
        let store = try cli.write("not-a-cache.sqlite", String(repeating: "this is not a database\n", count: 200))
        let result = try cli.run(["embed", "data", "--encoder", encoder, "--store", store])
        #expect(result.status == 1)
        // Not SQLite at all reads like an embcache store whose header was damaged: both are named,
        // with the command that rebuilds a damaged store (which keeps this file beside it).
        #expect(result.stderr.contains("store damaged"), "\(result.stderr)")
        #expect(result.stderr.contains("not an SQLite database"), "\(result.stderr)")
        #expect(result.stderr.contains("not-a-cache.sqlite"), "\(result.stderr)")
    }
}
