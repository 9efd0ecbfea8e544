import EmbeddingCache
import EmbeddingCacheEncoders
import Foundation
import Testing

/// `embed --lines` and `embed --store-dtype`, through the built binary.
struct LinesAndStoreDTypeTests {
    private let encoder = "builtin:bytes?dim=8"

    private func reference(_ text: String) async throws -> [Float] {
        let results = try await BytesEncoder(dimension: 8).encode([EncoderInput(parts: [Data(text.utf8)], label: "")])
        return try #require(try results.first?.get().tensors.first?.tensor.floatValues())
    }

    @Test func linesAreInputsInFileOrder() async throws {
        let cli = try CLIProcess()
        try cli.write("in.txt", "second\nfirst\n\nwindows\r\nfirst\nno newline")
        let result = try cli.run(["embed", "--lines", "in.txt", "--encoder", encoder, "--output", "out.npy", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try result.json()
        #expect(report["inputs"] as? Int == 6)
        #expect(report["duplicates"] as? Int == 1)
        let matrix = try NPYFile(contentsOf: cli.path("out.npy"))
        #expect(matrix.shape == [6, 8])
        for (row, text) in ["second", "first", "", "windows", "first", "no newline"].enumerated() {
            #expect(matrix.row(row) == (try await reference(text)), "row \(row)")
        }
    }

    @Test func linesAndPathsAreExclusive() throws {
        let cli = try CLIProcess()
        try cli.write("in.txt", "a\n")
        let result = try cli.run(["embed", "in.txt", "--lines", "in.txt", "--encoder", encoder])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--lines"))
    }

    @Test func invalidUTF8LineFailsTheRun() throws {
        let cli = try CLIProcess()
        try Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: cli.path("in.txt")))
        let result = try cli.run(["embed", "--lines", "in.txt", "--encoder", encoder])
        #expect(result.status == 1)
        #expect(result.stderr.contains("line 2"), "\(result.stderr)")
    }

    @Test func storeDTypeIsItsOwnNamespace() throws {
        let cli = try CLIProcess()
        try cli.write("in.txt", "a\nb\nc\n")
        let base = ["embed", "--lines", "in.txt", "--encoder", encoder, "--json"]
        #expect(try cli.run(base).json()["misses"] as? Int == 3)
        let half = try cli.run(base + ["--store-dtype", "float16", "--output", "half.npy"])
        let halfReport = try half.json()
        #expect(halfReport["misses"] as? Int == 3, "a lossless entry must never be served as float16")
        #expect((halfReport["namespace"] as? [String: String])?["storage"] == "float16")
        #expect(try NPYFile(contentsOf: cli.path("half.npy")).descriptor == "<f2")
        #expect(try cli.run(base + ["--store-dtype", "float16"]).json()["hits"] as? Int == 3)
        #expect(try cli.run(base).json()["hits"] as? Int == 3)
        let stats = try cli.run(["stats", "--json"]).json()
        #expect((stats["namespaces"] as? [Any])?.count == 2)
        let conflict = try cli.run(base + ["--store-dtype", "bfloat16", "--storage-policy", "float16"])
        #expect(conflict.status == 2)
    }
}
