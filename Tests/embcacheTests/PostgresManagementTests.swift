import Foundation
import Testing

/// Every management command of the real `embcache` binary on a PostgreSQL store (the throwaway
/// server `Scripts/test.sh` starts): happy paths and `--json`, a SQLite cache moved into
/// PostgreSQL, a record corrupted in the database, and stores that cannot be used.
@Suite(.enabled(if: PostgresTestStore.enabled, PostgresTestStore.skipReason))
struct PostgresManagementTests {
    private static let encoder = "builtin:bytes?dim=32"
    private static let otherEncoder = "builtin:bytes?dim=16"

    /// A scratch directory with ten files embedded under `encoder` and five under `otherEncoder`
    /// into a new PostgreSQL store.
    private static func embedded() throws -> (CLIProcess, PostgresTestStore, [String]) {
        let cli = try CLIProcess()
        let store = try PostgresTestStore()
        let files = try ConcurrentProcessTests.writeFiles(cli, folder: "inputs", count: 10, tag: "postgres")
        #expect(try cli.run(["embed", cli.path("inputs"), "--encoder", encoder, "--store", store.url]).status == 0)
        let embed = try cli.run(["embed"] + files.prefix(5) + ["--encoder", otherEncoder, "--store", store.url])
        #expect(embed.status == 0, "\(embed.stderr)")
        return (cli, store, files)
    }

    /// Runs a `--json` command, expects `status`, and checks that every key it prints is documented
    /// and that it never prints the password.
    private static func report(
        _ cli: CLIProcess,
        _ store: PostgresTestStore,
        _ arguments: [String],
        status: Int32 = 0
    ) throws -> [String: Any] {
        let run = try cli.run(arguments + ["--store", store.url, "--json"])
        #expect(run.status == status, "\(arguments): \(run.stderr)")
        #expect(!run.stdout.contains(store.password) && !run.stderr.contains(store.password))
        let report = try run.json()
        for key in ManagementJSONDocumentationTests.keys(of: report) {
            let documentation = ManagementJSONDocumentationTests.documentation
            #expect(documentation.contains("`\(key)`") || documentation.contains("\"\(key)\""), "\(key)")
        }
        return report
    }

    @Test func statsVerifyExplainPruneAndClearWorkOnPostgres() throws {
        let (cli, store, files) = try Self.embedded()

        let stats = try Self.report(cli, store, ["stats"])
        #expect(stats["entries"] as? Int == 15 && (stats["namespaces"] as? [Any])?.count == 2)
        #expect((stats["store"] as? String)?.contains(store.schema) == true)

        let verify = try Self.report(cli, store, ["verify"])
        #expect(verify["records"] as? Int == 15 && verify["corrupt"] as? Int == 0)

        let explain = try Self.report(cli, store, ["explain", files[7], "--encoder", Self.encoder])
        #expect(explain["hit"] as? Bool == true && (explain["holders"] as? [Any])?.count == 1)
        #expect(explain["digest"] as? String == (try PostgresTestStore.sha256(ofFileAt: files[7])))
        let shared = try Self.report(cli, store, ["explain", files[2], "--encoder", Self.encoder])
        let near = try #require(shared["near_namespaces"] as? [[String: Any]])
        #expect(near.count == 1 && near.first?["differs_in"] as? String == "model")
        #expect(near.first?["holds_input"] as? Bool == true)

        let pattern = "builtin:bytes/v1?dim=16"
        let dryRun = try Self.report(cli, store, ["prune", "--namespace", pattern, "--dry-run"])
        #expect(dryRun["entries_removed"] as? Int == 5 && dryRun["entries_after"] as? Int == 10)
        #expect(try store.entryCount() == 15)
        let pruned = try Self.report(cli, store, ["prune", "--namespace", pattern])
        #expect(pruned["entries_removed"] as? Int == 5 && pruned["entries_before"] as? Int == 15)
        #expect(try store.entryCount() == 10)

        let cleared = try Self.report(cli, store, ["clear", "--yes"])
        #expect(cleared["entries_removed"] as? Int == 10 && cleared["entries_after"] as? Int == 0)
        #expect(try store.entryCount() == 0)
    }

    @Test func theStoreVariableSelectsPostgres() throws {
        let (cli, store, _) = try Self.embedded()
        let run = try cli.run(["stats", "--json"], environment: ["EMBCACHE_STORE": store.url])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try run.json()["entries"] as? Int == 15)
        #expect(!FileManager.default.fileExists(atPath: cli.storePath), "no SQLite file was used")
    }

    @Test func precomputeAndExportWorkOnPostgres() throws {
        let cli = try CLIProcess()
        let store = try PostgresTestStore()
        let dataset = try Dataset(cli, count: 4)
        let first = try dataset.precompute(["--store", store.url])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try first.json()["misses"] as? Int == 20)
        #expect(
            try store.entryCount() == 4 * 4 + 1 + 2,
            "four fields per sample, one empty prompt, the namespaces of the plan's two encoders"
        )

        let check = try dataset.precompute(["--check", "--store", store.url]).json()
        #expect(check["complete_samples"] as? Int == 4 && check["hits"] as? Int == 20)
        let export = try dataset.export(to: "out", ["--on-miss", "error", "--store", store.url])
        #expect(export.status == 0, "\(export.stderr)")
        let exported = try export.json()
        #expect(exported["exported"] as? Int == 4 && exported["hits"] as? Int == 20 && exported["files"] as? Int == 4)
        #expect(!FileManager.default.fileExists(atPath: cli.storePath), "no SQLite file was used")
    }

    @Test func aSQLiteCacheImportedIntoPostgresServesEveryInputAsAHit() throws {
        let cli = try CLIProcess()
        let store = try PostgresTestStore()
        let dataset = try Dataset(cli, count: 8)
        #expect(try dataset.precompute().status == 0)
        let namespace = NamespaceTransferTests.namespace
        let fromSQLite = try cli.run(["export", "--namespace", namespace, "--out", cli.path("moved"), "--json"])
        #expect(fromSQLite.status == 0, "\(fromSQLite.stderr)")
        #expect(try fromSQLite.json()["records"] as? Int == 24)

        let imported = try Self.report(cli, store, ["import", cli.path("moved")])
        #expect(imported["imported"] as? Int == 24 && imported["corrupt"] as? Int == 0)
        #expect(try store.entryCount() == 24)
        let images = (0..<8).map { cli.path("data/images/\($0).png") }
        let embed = try Self.report(cli, store, ["embed"] + images + ["--encoder", Self.otherEncoder])
        #expect(embed["hits"] as? Int == 8 && embed["encoded"] as? Int == 0 && embed["corrupt"] as? Int == 0)

        let back = try Self.report(cli, store, ["export", "--namespace", namespace, "--out", cli.path("back")])
        #expect(back["records"] as? Int == 24)
        let digests = try ["moved", "back"].map { folder in
            let data = try Data(contentsOf: URL(fileURLWithPath: cli.path("\(folder)/index.json")))
            let index = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            return Set((index["records"] as? [[String: Any]] ?? []).compactMap { $0["digest"] as? String })
        }
        #expect(digests[0].count == 24 && digests[0] == digests[1])
    }

    @Test func verifyFindsARecordCorruptedInTheDatabaseAndRepairDeletesIt() throws {
        let (cli, store, files) = try Self.embedded()
        let digest = try PostgresTestStore.sha256(ofFileAt: files[3])
        try store.psql(
            """
            UPDATE embcache_entry SET payload = set_byte(payload, 40, get_byte(payload, 40) # 255)
            WHERE digest = '\\x\(digest)' AND namespace_id = (SELECT id FROM embcache_namespace
                WHERE model = 'builtin:bytes/v1?dim=32')
            """
        )

        let found = try Self.report(cli, store, ["verify"], status: 4)
        #expect(found["records"] as? Int == 15 && found["corrupt"] as? Int == 1 && found["repaired"] as? Int == 0)
        let entries = try #require(found["corrupt_entries"] as? [[String: Any]])
        #expect(entries.map { $0["digest"] as? String } == [digest])

        let repaired = try Self.report(cli, store, ["verify", "--repair"])
        #expect(repaired["corrupt"] as? Int == 1 && repaired["repaired"] as? Int == 1)
        #expect(try store.entryCount() == 14)
        #expect(try store.psql("SELECT count(*) FROM embcache_entry WHERE digest = '\\x\(digest)'") == "1")
        #expect(try Self.report(cli, store, ["verify"])["records"] as? Int == 14)
        let embed = try Self.report(cli, store, ["embed", cli.path("inputs"), "--encoder", Self.encoder])
        #expect(embed["hits"] as? Int == 9 && embed["encoded"] as? Int == 1 && embed["corrupt"] as? Int == 0)
    }

    @Test func anUnreachableServerIsAClearError() throws {
        let cli = try CLIProcess()
        let input = try cli.write("input.txt", "unreachable")
        let unreachable = "postgres://embcache@127.0.0.1:1/embcache"
        let commands = [
            ["stats"], ["verify"], ["prune", "--max-size", "0"], ["clear", "--yes"],
            ["explain", input, "--encoder", Self.encoder],
        ]
        for command in commands {
            let run = try cli.run(command + ["--store", unreachable])
            #expect(run.status == 1, "\(command): \(run.stderr)")
            #expect(run.stderr.hasPrefix("embcache: store failed: "), "\(command): \(run.stderr)")
            #expect(run.stderr.contains("127.0.0.1:1"), "\(command): \(run.stderr)")
        }
    }

    @Test func aDamagedDatabaseIsAClearError() throws {
        let (cli, store, _) = try Self.embedded()
        try store.psql("DROP TABLE embcache_entry")
        for command in [["verify"], ["stats"], ["prune", "--older-than", "1d"]] {
            let run = try cli.run(command + ["--store", store.url, "--json"])
            #expect(run.status == 1, "\(command): \(run.stderr)")
            #expect(run.stderr.contains("42P01") && run.stderr.contains(store.schema), "\(command): \(run.stderr)")
            #expect(!run.stderr.contains(store.password))
        }
    }
}
