import Foundation
import Testing

/// `embcache export --namespace` then `embcache import`: a cache moved to another store.
struct NamespaceTransferTests {
    static let namespace = "builtin:bytes/v1?dim=16|raw-bytes|lossless"

    @Test func aNamespaceMovedToAnotherStoreServesEveryInputAsAHit() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 8)
        #expect(try dataset.precompute().status == 0)
        let export = try cli.run(["export", "--namespace", Self.namespace, "--out", cli.path("moved"), "--json"])
        #expect(export.status == 0, "\(export.stderr)")
        let exported = try export.json()
        #expect(exported["records"] as? Int == 24 && exported["corrupt"] as? Int == 0)

        let other = cli.path("other.sqlite")
        let imported = try cli.run(["import", cli.path("moved"), "--store", other, "--json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try imported.json()["imported"] as? Int == 24)
        let images = (0..<8).map { cli.path("data/images/\($0).png") }
        let embed = try cli.run(["embed"] + images + ["--encoder", "builtin:bytes?dim=16", "--store", other, "--json"])
        let report = try embed.json()
        #expect(report["hits"] as? Int == 8 && report["encoded"] as? Int == 0 && report["corrupt"] as? Int == 0)
        let check = try dataset.precompute(["--check", "--store", other]).json()
        #expect(Dataset.fields(check)["control_latents"]?["hits"] == 8)
        #expect(Dataset.fields(check)["prompt_embeds"]?["hits"] == 0, "only the exported namespace moved")
    }

    @Test func aShardDamagedInTransitIsNotImported() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 3)
        #expect(try dataset.precompute().status == 0)
        #expect(try cli.run(["export", "--namespace", Self.namespace, "--out", cli.path("moved")]).status == 0)
        let shard = URL(fileURLWithPath: cli.path("moved/shard-00000.safetensors"))
        var bytes = try Data(contentsOf: shard)
        bytes[bytes.count - 1] ^= 0xFF
        try bytes.write(to: shard)
        let imported = try cli.run(["import", cli.path("moved"), "--store", cli.path("other.sqlite"), "--json"])
        #expect(imported.status == 3)
        let report = try imported.json()
        #expect(report["corrupt"] as? Int == 1 && report["imported"] as? Int == 8)
    }

    @Test func aNamespaceThatMatchesNothingIsAnError() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 1)
        #expect(try dataset.precompute().status == 0)
        let run = try cli.run(["export", "--namespace", "nothing", "--out", cli.path("moved")])
        #expect(run.status == 1 && run.stderr.contains("matches 0 namespaces"))
    }
}
