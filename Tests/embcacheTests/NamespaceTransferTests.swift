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

    /// Reads a bfloat16 namespace export with `ml_dtypes` and compares it with `embed --output`.
    private static let readBFloat16 = """
        import hashlib, json, os, sys
        import ml_dtypes, numpy as np
        from safetensors.numpy import load_file
        folder, served, files = sys.argv[1], load_file(sys.argv[2]), sys.argv[3:]
        index = json.load(open(os.path.join(folder, "index.json")))
        assert index["namespace"]["storage"] == "bfloat16"
        shards = {name: load_file(os.path.join(folder, name)) for name in index["shards"]}
        for row, path in enumerate(files):
            digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
            record = next(r for r in index["records"] if r["digest"] == digest)
            tensor = shards[record["shard"]][digest + "/" + record["tensors"][0]]
            expected = served[f"{row}/embedding"]
            assert tensor.dtype == ml_dtypes.bfloat16 and tensor.shape == (16,)
            assert np.array_equal(tensor.view(np.uint16), expected.view(np.uint16)), path
            assert np.abs(tensor.astype(np.float32)).max() > 0
        print("ok", len(files))
        """

    @Test func aBFloat16NamespaceReadsBackInPythonWithTheCachedValues() throws {
        let cli = try CLIProcess()
        let files = try ConcurrentProcessTests.writeFiles(cli, folder: "inputs", count: 5, tag: "bf16")
        let embed = ["embed"] + files + ["--encoder", "builtin:bytes?dim=16", "--store-dtype", "bfloat16"]
        #expect(try cli.run(embed).status == 0)
        let served = try cli.run(embed + ["--json", "--output", cli.path("served.safetensors")])
        #expect(try served.json()["hits"] as? Int == 5)
        let namespace = "builtin:bytes/v1?dim=16|raw-bytes|bfloat16"
        #expect(try cli.run(["export", "--namespace", namespace, "--out", cli.path("moved")]).status == 0)
        let result = try ExportTests.python(
            Self.readBFloat16,
            [cli.path("moved"), cli.path("served.safetensors")] + files
        )
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("ok 5"))
    }

    @Test func aNamespaceThatMatchesNothingIsAnError() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 1)
        #expect(try dataset.precompute().status == 0)
        let run = try cli.run(["export", "--namespace", "nothing", "--out", cli.path("moved")])
        #expect(run.status == 1 && run.stderr.contains("matches 0 namespaces"))
    }
}
