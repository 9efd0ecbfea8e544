import Foundation
import Testing

@testable import embcache

/// End-to-end runs of `embcache --version` and `embcache stats`.
struct CommandEndToEndTests {
    @Test func versionPrintsTheVersion() throws {
        let result = try CLIProcess().run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == EmbcacheVersion.current)
    }

    @Test func statsCountsWhatEmbedStored() throws {
        let cli = try CLIProcess()
        for index in 0..<4 { try cli.write("data/\(index).txt", "stats \(index)") }
        _ = try cli.run(["embed", "data", "--encoder", "builtin:bytes?dim=8"])
        let result = try cli.run(["stats", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try result.json()
        #expect(report["store"] as? String == cli.storePath)
        #expect(report["entries"] as? Int == 4)
        #expect((report["bytes"] as? Int ?? 0) >= 4 * 8 * 4)
        #expect((report["disk_bytes"] as? Int ?? 0) > 0)
        let namespaces = try #require(report["namespaces"] as? [[String: Any]])
        #expect(namespaces.count == 1)
        #expect(namespaces.first?["model"] as? String == "builtin:bytes/v1?dim=8")
        #expect(namespaces.first?["preprocessing"] as? String == "raw-bytes")
        #expect(namespaces.first?["storage"] as? String == "lossless")
        #expect(namespaces.first?["entries"] as? Int == 4)
    }

    @Test func statsOfAMissingStoreIsEmptyAndCreatesNothing() throws {
        let cli = try CLIProcess()
        let result = try cli.run(["stats", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.json()["entries"] as? Int == 0)
        #expect(!FileManager.default.fileExists(atPath: cli.storePath))
    }

    @Test func environmentChoosesTheStoreAndStoreOptionWins() throws {
        let cli = try CLIProcess()
        try cli.write("data/a.txt", "a")
        let fromEnvironment = cli.path("env.sqlite")
        let first = try cli.run(
            ["embed", "data", "--encoder", "builtin:bytes", "--json"],
            environment: ["EMBCACHE_STORE": fromEnvironment]
        )
        #expect(try first.json()["store"] as? String == fromEnvironment)
        #expect(FileManager.default.fileExists(atPath: fromEnvironment))
        #expect(!FileManager.default.fileExists(atPath: cli.storePath))
        let fromOption = cli.path("option.sqlite")
        let second = try cli.run(
            ["embed", "data", "--encoder", "builtin:bytes", "--store", fromOption, "--json"],
            environment: ["EMBCACHE_STORE": fromEnvironment]
        )
        #expect(try second.json()["store"] as? String == fromOption)
        #expect(try second.json()["misses"] as? Int == 1)
    }
}
