import Foundation
import Testing

/// `embcache clear` refuses without `--yes` off a terminal, and clears one namespace or all.
struct ClearCommandTests {
    @Test func clearRefusesWithoutYesThenClearsANamespaceThenAll() throws {
        let cli = try CLIProcess()
        _ = try ConcurrentProcessTests.writeFiles(cli, folder: "inputs", count: 4, tag: "clear")
        #expect(try cli.run(["embed", cli.path("inputs"), "--encoder", "builtin:bytes?dim=8"]).status == 0)
        #expect(try cli.run(["embed", cli.path("inputs"), "--encoder", "builtin:bytes?dim=16"]).status == 0)

        let refused = try cli.run(["clear"])
        #expect(refused.status == 2 && refused.stderr.contains("--yes"))
        #expect(try cli.run(["stats", "--json"]).json()["entries"] as? Int == 8)

        let one = try cli.run(["clear", "--namespace", "builtin:bytes/v1?dim=8", "--yes", "--json"]).json()
        #expect(one["entries_removed"] as? Int == 4 && one["entries_after"] as? Int == 4)
        let all = try cli.run(["clear", "--yes", "--json"]).json()
        #expect(all["entries_removed"] as? Int == 4 && all["entries_after"] as? Int == 0)
        #expect(try cli.run(["stats", "--json"]).json()["entries"] as? Int == 0)
    }
}
