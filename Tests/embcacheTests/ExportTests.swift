import Foundation
import Testing

/// `embcache export` of a dataset for training, read back by Python's `safetensors` and `numpy`.
struct ExportTests {
    /// Runs `python3 -c script` with `arguments`, returning its status and output.
    static func python(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Checks per-sample files against shards and `image_latents` against `embed`'s matrix.
    private static let readBack = """
        import json, os, sys
        import numpy as np
        from safetensors.numpy import load_file
        per, shards, images = sys.argv[1], sys.argv[2], np.load(sys.argv[3])
        per_index = json.load(open(os.path.join(per, "index.json")))
        shard_index = json.load(open(os.path.join(shards, "index.json")))
        assert per_index["layout"] == "per-sample" and shard_index["layout"] == "shards"
        fields = per_index["fields"]
        loaded = {}
        for sample, file in sorted(shard_index["samples"].items()):
            if file not in loaded:
                loaded[file] = load_file(os.path.join(shards, file))
        for row, sample in enumerate(sorted(per_index["samples"], key=lambda s: int(s[1:]))):
            tensors = load_file(os.path.join(per, per_index["samples"][sample]))
            assert sorted(tensors) == sorted(fields), (sample, sorted(tensors))
            shard = loaded[shard_index["samples"][sample]]
            for field in fields:
                a, b = tensors[field], shard[sample + "/" + field]
                assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes(), (sample, field)
            assert tensors["image_latents"].dtype == np.float32
            assert tensors["image_latents"].tobytes() == images[row].astype(np.float32).tobytes(), sample
        print("ok", len(per_index["samples"]), len(loaded))
        """

    @Test func perSampleFilesAndShardsReadBackByPythonEqualTheCache() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 6)
        #expect(try dataset.precompute().status == 0)
        let perSample = try dataset.export(to: "per", ["--on-miss", "error"])
        #expect(perSample.status == 0, "\(perSample.stderr)")
        let report = try perSample.json()
        #expect(report["exported"] as? Int == 6 && report["files"] as? Int == 6 && report["hits"] as? Int == 30)
        #expect(report["misses"] as? Int == 0 && report["tensor_bytes"] as? Int == 6 * (3 * 64 + 2 * 32))
        let sharded = try dataset.export(to: "shards", ["--shard-size", "4", "--on-miss", "error"])
        #expect(try sharded.json()["files"] as? Int == 2)
        let images = (0..<6).map { cli.path("data/images/\($0).png") }
        let embed = try cli.run(
            ["embed"] + images + ["--encoder", "builtin:bytes?dim=16", "--output", cli.path("images.npy")]
        )
        #expect(embed.status == 0)

        let result = try Self.python(Self.readBack, [cli.path("per"), cli.path("shards"), cli.path("images.npy")])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("ok 6 2"))
    }

    /// Checks a bfloat16 export through `ml_dtypes` against `embed --store-dtype bfloat16`'s output.
    private static let readBFloat16 = """
        import sys
        import ml_dtypes, numpy as np
        from safetensors.numpy import load_file
        folder, served = sys.argv[1], load_file(sys.argv[2])
        for row in range(int(sys.argv[3])):
            tensors = load_file(f"{folder}/s{row}.safetensors")
            latents = tensors["image_latents"]
            assert latents.dtype == ml_dtypes.bfloat16 and latents.shape == (16,), latents.dtype
            assert np.array_equal(latents.view(np.uint16), served[f"{row}/embedding"].view(np.uint16)), row
            assert tensors["prompt_embeds"].dtype == ml_dtypes.bfloat16
        print("ok")
        """

    @Test func aBFloat16PlanExportsBFloat16ThatPythonReadsWithMLDtypes() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 4, storeDType: "bfloat16")
        #expect(try dataset.precompute().status == 0)
        let export = try dataset.export(to: "bf16", ["--on-miss", "error"])
        #expect(export.status == 0, "\(export.stderr)")
        let images = (0..<4).map { cli.path("data/images/\($0).png") }
        let embed = try cli.run(
            ["embed"] + images + [
                "--encoder", "builtin:bytes?dim=16", "--store-dtype", "bfloat16", "--json", "--output",
                cli.path("served.safetensors"),
            ]
        )
        #expect(try embed.json()["hits"] as? Int == 4, "the plan's store_dtype is embed's --store-dtype")
        let result = try Self.python(Self.readBFloat16, [cli.path("bf16"), cli.path("served.safetensors"), "4"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func failFastStopsAtTheFirstFieldThatFailsToCompute() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 4)
        try FileManager.default.removeItem(atPath: cli.path("data/controls/2-b.png"))
        let listed = try dataset.export(to: "listed")
        #expect(listed.status == 3, "without --fail-fast the failure is listed and the rest exported")
        let stopped = try dataset.export(to: "stopped", ["--fail-fast"])
        #expect(stopped.status == 1)
        #expect(
            stopped.stderr.contains("stopped at the first failed field (--fail-fast): sample s2 field control_latents"),
            "\(stopped.stderr)"
        )
    }

    @Test func onMissSkipErrorAndCompute() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 5)
        let lines = try String(contentsOfFile: dataset.manifest, encoding: .utf8).split(separator: "\n").prefix(3)
        let part = try cli.writeLines("data/part.jsonl", lines.map(String.init))
        #expect(try dataset.precompute(manifest: part).status == 0)

        let skip = try dataset.export(to: "skip", ["--on-miss", "skip"])
        #expect(skip.status == 0, "\(skip.stderr)")
        let skipped = try skip.json()
        #expect(skipped["exported"] as? Int == 3 && skipped["skipped"] as? [String] == ["s3", "s4"])
        #expect(skipped["misses"] as? Int == 8, "the empty prompt is cached for every sample")
        #expect(!FileManager.default.fileExists(atPath: cli.path("skip/s3.safetensors")))
        #expect(FileManager.default.fileExists(atPath: cli.path("skip/s2.safetensors")))
        #expect(try cli.storedEntries() == 3 * 4 + 1, "skip encodes nothing")

        let error = try dataset.export(to: "error", ["--on-miss", "error"])
        #expect(error.status == 1)
        #expect(error.stderr.contains("sample s3 field image_latents is not cached"))

        let compute = try dataset.export(to: "compute")
        #expect(compute.status == 0)
        #expect(try compute.json()["exported"] as? Int == 5)
        #expect(try dataset.precompute(["--check"]).json()["complete_samples"] as? Int == 5)
    }

    @Test func everyPrecomputeExportAndImportFieldIsDocumented() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 2)
        try FileManager.default.removeItem(atPath: cli.path("data/images/1.png"))
        let namespace = "builtin:bytes/v1?dim=16|raw-bytes|lossless"
        let outputs = try [
            dataset.precompute(), dataset.precompute(["--check"]), dataset.export(to: "out", ["--on-miss", "skip"]),
            cli.run(["export", "--namespace", namespace, "--out", cli.path("moved"), "--json"]),
            cli.run(["import", cli.path("moved"), "--store", cli.path("other.sqlite"), "--json"]),
        ]
        for output in outputs {
            for key in ManagementJSONDocumentationTests.keys(of: try output.json()) {
                let documentation = ManagementJSONDocumentationTests.documentation
                let documented = documentation.contains("`\(key)`") || documentation.contains("\"\(key)\"")
                #expect(documented, "\(key)")
            }
        }
    }
}
