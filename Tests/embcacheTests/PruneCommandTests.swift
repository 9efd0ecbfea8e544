import Foundation
import Testing

/// `embcache prune` by size keeps the most recently used entries; `--dry-run` changes nothing.
struct PruneCommandTests {
    private let encoder = "builtin:bytes?dim=32"

    /// A cache where the `old` files were embedded, then the `new` ones, then the `old` ones used
    /// again after two hours (last-use times are recorded to the hour), so `new` is least recent.
    private func cacheWithReusedFiles() throws -> CLIProcess {
        let cli = try CLIProcess()
        _ = try ConcurrentProcessTests.writeFiles(cli, folder: "old", count: 5, tag: "old")
        _ = try ConcurrentProcessTests.writeFiles(cli, folder: "new", count: 5, tag: "new")
        #expect(try cli.run(["embed", cli.path("old"), "--encoder", encoder]).status == 0)
        #expect(try cli.run(["embed", cli.path("new"), "--encoder", encoder]).status == 0)
        try SQLiteShell.run(cli.storePath, "UPDATE entry SET last_used = last_used - 7200000;")
        #expect(try cli.run(["embed", cli.path("old"), "--encoder", encoder, "--json"]).json()["hits"] as? Int == 5)
        return cli
    }

    private func stats(_ cli: CLIProcess) throws -> (entries: Int, bytes: Int) {
        let stats = try cli.run(["stats", "--json"]).json()
        return (try #require(stats["entries"] as? Int), try #require(stats["bytes"] as? Int))
    }

    @Test func pruneBySizeKeepsTheMostRecentlyUsedAndDryRunChangesNothing() throws {
        let cli = try cacheWithReusedFiles()
        let before = try stats(cli)
        #expect(before.entries == 10)
        let half = "\(before.bytes / 2)"

        let dry = try cli.run(["prune", "--max-size", half, "--dry-run", "--json"])
        #expect(dry.status == 0, "\(dry.stderr)")
        let planned = try dry.json()
        #expect(planned["dry_run"] as? Bool == true)
        #expect(planned["entries_removed"] as? Int == 5 && planned["entries_after"] as? Int == 5)
        #expect(planned["bytes_before"] as? Int == before.bytes)
        #expect(try stats(cli) == before, "a dry run must change nothing")

        let real = try cli.run(["prune", "--max-size", half, "--json"]).json()
        #expect(real["entries_removed"] as? Int == 5 && real["bytes_removed"] as? Int == before.bytes / 2)
        #expect(real["entries_after"] as? Int == 5 && real["dry_run"] as? Bool == false)
        let old = try cli.run(["embed", cli.path("old"), "--encoder", encoder, "--json"]).json()
        #expect(old["hits"] as? Int == 5, "the recently used entries stay")
        let new = try cli.run(["embed", cli.path("new"), "--encoder", encoder, "--json"]).json()
        #expect(new["misses"] as? Int == 5, "the least recently used entries go")
    }

    @Test func pruneByAgeAndByNamespace() throws {
        let cli = try cacheWithReusedFiles()
        let aged = try cli.run(["prune", "--older-than", "1h", "--json"]).json()
        #expect(aged["entries_removed"] as? Int == 5 && aged["entries_after"] as? Int == 5)
        #expect(try cli.run(["embed", cli.path("old"), "--encoder", "builtin:bytes?dim=8"]).status == 0)
        let byNamespace = try cli.run(["prune", "--namespace", "builtin:bytes/v1?dim=8|raw-bytes", "--json"]).json()
        #expect(byNamespace["entries_removed"] as? Int == 5 && byNamespace["entries_after"] as? Int == 5)
    }

    @Test func pruneWithoutCriteriaIsAUsageError() throws {
        let cli = try CLIProcess()
        let run = try cli.run(["prune", "--dry-run"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--max-size"))
    }
}
