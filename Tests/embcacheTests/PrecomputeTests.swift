import Foundation
import Testing

/// `embcache precompute` over a generated dataset with two encoders and composite keys.
struct PrecomputeTests {
    @Test func coldThenWarmWithCheckBeforeAndAfter() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 20)

        let before = try dataset.precompute(["--check"])
        #expect(before.status == 3, "an incomplete dataset fails the check: \(before.stderr)")
        let unchecked = try before.json()
        #expect(unchecked["complete_samples"] as? Int == 0 && unchecked["hits"] as? Int == 0)
        #expect(unchecked["misses"] as? Int == 100 && unchecked["check"] as? Bool == true)
        #expect(try cli.storedEntries() == 0, "--check encodes nothing")

        let cold = try dataset.precompute()
        #expect(cold.status == 0, "\(cold.stderr)")
        let coldReport = try cold.json()
        #expect(
            coldReport["hits"] as? Int == 0 && coldReport["misses"] as? Int == 100 && coldReport["failed"] as? Int == 0
        )
        #expect(coldReport["complete_samples"] as? Int == 20)
        for (name, counts) in Dataset.fields(coldReport) {
            #expect(counts == ["hits": 0, "misses": 20, "failed": 0], "\(name)")
        }
        // 3 vae fields × 20 distinct keys, 20 prompts and one empty prompt.
        #expect(try cli.storedEntries() == 81)
        let shown = try cli.run(["stats", "--json"]).json()["namespaces"] as? [[String: Any]] ?? []
        #expect(shown.count == 2, "the two encoders' namespaces, not the store's bookkeeping")
        #expect(!shown.contains { $0["model"] as? String == "embcache/encoder-namespaces" })

        let warm = try dataset.precompute().json()
        #expect(warm["hits"] as? Int == 100 && warm["misses"] as? Int == 0)
        let after = try dataset.precompute(["--check"])
        #expect(after.status == 0)
        let checked = try after.json()
        #expect(checked["complete_samples"] as? Int == 20 && checked["hits"] as? Int == 100)
        #expect(Dataset.fields(checked)["control_latents"]?["hits"] == 20)
        #expect(try cli.storedEntries() == 81)
    }

    @Test func compositeKeysFollowTheCoreFraming() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 2)
        #expect(try dataset.precompute().status == 0)
        // The single-key image field is keyed like `embed` of the file: a hit there.
        let image = try cli.run([
            "embed", cli.path("data/images/0.png"), "--encoder", "builtin:bytes?dim=16", "--json",
        ]).json()
        #expect(image["hits"] as? Int == 1)
        // The controls composite is not the concatenation of its files.
        try cli.write("data/concatenated.png", "control a 0control b 0")
        let concatenated = try cli.run([
            "embed", cli.path("data/concatenated.png"), "--encoder", "builtin:bytes?dim=16", "--json",
        ]).json()
        #expect(concatenated["hits"] as? Int == 0)
    }

    @Test func aMissingFileFailsItsSampleAndFieldAlone() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 4)
        try FileManager.default.removeItem(atPath: cli.path("data/controls/2-b.png"))
        let run = try dataset.precompute()
        #expect(run.status == 3)
        let report = try run.json()
        #expect(report["failed"] as? Int == 1 && report["complete_samples"] as? Int == 3)
        #expect(Dataset.fields(report)["control_latents"] == ["hits": 0, "misses": 3, "failed": 1])
        #expect(run.stderr.contains("sample s2 field control_latents") && run.stderr.contains("2-b.png"))
    }

    @Test func failFastStopsAtTheFirstFailedFieldNamingIt() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 4)
        try FileManager.default.removeItem(atPath: cli.path("data/controls/2-b.png"))
        let run = try dataset.precompute(["--fail-fast"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("stopped at the first failed field (--fail-fast): sample s2 field control_latents"))
        #expect(run.stderr.contains("2-b.png"), "\(run.stderr)")
    }

    @Test func aMalformedPlanNamesTheProblem() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 1)
        try cli.write(
            "data/plan.json",
            #"{"encoders": {"vae": "builtin:bytes"}, "fields": [{"name": "x", "encoder": "gpu", "inputs": "image"}]}"#
        )
        let run = try dataset.precompute()
        #expect(run.status == 1)
        #expect(run.stderr.contains("unknown encoder 'gpu'"))
    }

    @Test func aFieldNamingMoreTensorsThanItsEncoderGivesIsRefusedBeforeAnyWork() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(cli, count: 1)
        try cli.write(
            "data/plan.json",
            #"{"encoders": {"text": "builtin:bytes"}, "fields": [{"names": ["prompt_embeds", "prompt_embeds_mask"], "#
                + #""encoder": "text", "inputs": {"text": "prompt"}}]}"#
        )
        let run = try dataset.precompute()
        #expect(run.status == 1)
        #expect(
            run.stderr.contains("prompt_embeds+prompt_embeds_mask names 2 tensors") && run.stderr.contains("embedding")
        )
        #expect(try cli.storedEntries() == 0)
    }

    @Test func aRunKilledMidwayResumesWithTheStoredRecordsAsHits() throws {
        let cli = try CLIProcess()
        let dataset = try Dataset(
            cli,
            count: 40,
            vae: "builtin:bytes?dim=16&cost-ms=30&batch=4",
            text: "builtin:bytes?dim=8&cost-ms=30&batch=4",
            emptyPrompt: false
        )
        let victim = try ConcurrentProcessTests.start(
            cli,
            ["precompute", "--manifest", dataset.manifest, "--plan", dataset.plan]
        )
        try ConcurrentProcessTests.waitForEntries(cli, atLeast: 12)
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        #expect(victim.terminationReason == .uncaughtSignal)

        let stored = try #require(try cli.storedEntries())
        #expect(stored > 0 && stored < 160, "the kill should land mid-run (stored: \(stored))")
        let check = try dataset.precompute(["--check"]).json()
        #expect(check["hits"] as? Int == stored)

        let resumed = try dataset.precompute()
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let report = try resumed.json()
        #expect(report["hits"] as? Int == stored, "every stored record is a hit")
        #expect(report["misses"] as? Int == 160 - stored)
        #expect(try cli.storedEntries() == 160, "no duplicates")
        #expect(try dataset.precompute().json()["hits"] as? Int == 160)
    }
}
