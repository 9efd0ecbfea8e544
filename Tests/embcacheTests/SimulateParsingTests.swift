import ArgumentParser
import EmbeddingCacheSimulation
import Testing

@testable import embcache

/// `embcache simulate …` parses its options and refuses contradictions as usage errors.
struct SimulateParsingTests {
    private func churn(_ arguments: [String]) throws -> SimulateChurnCommand {
        try #require(try Embcache.parseAsRoot(["simulate", "churn"] + arguments) as? SimulateChurnCommand)
    }

    private func expectUsageError(_ arguments: [String], mentioning text: String) {
        do {
            _ = try Embcache.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed, expected a usage error")
        } catch {
            #expect(Embcache.exitCode(for: error) == .validationFailure)
            #expect(Embcache.message(for: error).contains(text), "\(Embcache.message(for: error))")
        }
    }

    @Test func churnDefaultsAreTheSeedsSettings() throws {
        let command = try churn(["--synthetic"])
        #expect(command.input.synthetic && command.input.path == nil)
        #expect(command.encoder == "builtin:pixel-projection")
        #expect(command.cycles == 30 && command.perCycle == 800 && command.churn == 0.2)
        #expect(command.kind == .lossless && command.strategies == nil && command.tolerance == 0)
        #expect(
            command.output.out == "embcache-simulation" && command.output.storesFolder == nil && !command.output.json
        )
    }

    @Test func churnParsesEveryOption() throws {
        let command = try churn([
            "photos", "--encoder", "builtin:bytes?dim=8", "--cycles", "3", "--per-cycle", "100", "--churn", "0.5",
            "--kind", "mixed", "--strategies", "none,path,sha", "--tolerance", "0.001", "--out", "o", "--store", "s",
            "--json", "--seed", "9",
        ])
        #expect(command.input.path == "photos" && command.input.seed == 9)
        #expect(command.cycles == 3 && command.perCycle == 100 && command.churn == 0.5 && command.kind == .mixed)
        #expect(command.strategies?.elements == [.none, .path, .sha] && command.tolerance == 0.001)
        #expect(command.output.out == "o" && command.output.storesFolder == "s" && command.output.json)
    }

    /// `--stores-dir` is the stores' folder; `--store`, its earlier name, still works, but not both.
    @Test func storesDirAndItsOldNameChooseTheStoresFolder() throws {
        #expect(try churn(["--synthetic", "--stores-dir", "d"]).output.storesFolder == "d")
        #expect(try churn(["--synthetic", "--store", "d"]).output.storesFolder == "d")
        expectUsageError(["simulate", "churn", "--stores-dir", "a", "--store", "b"], mentioning: "--stores-dir")
    }

    /// `--output` names the files' folder in `simulate` and `export`; `--out`, its earlier name,
    /// still works, but not both.
    @Test func outputAndItsOldNameChooseTheFolder() throws {
        #expect(try churn(["--synthetic", "--output", "o"]).output.out == "o")
        #expect(try churn(["--synthetic", "--out", "o"]).output.out == "o")
        expectUsageError(["simulate", "churn", "--output", "a", "--out", "b"], mentioning: "--output")
        let export = { (arguments: [String]) in
            try #require(try Embcache.parseAsRoot(["export", "--namespace", "m"] + arguments) as? ExportCommand)
        }
        #expect(try export(["--output", "d"]).out == "d")
        #expect(try export(["--out", "d"]).out == "d")
        expectUsageError(["export", "--namespace", "m", "--output", "a", "--out", "b"], mentioning: "--output")
        expectUsageError(["export", "--namespace", "m"], mentioning: "--output")
    }

    @Test func contradictionsAreUsageErrors() {
        expectUsageError(["simulate", "churn", "photos", "--synthetic"], mentioning: "PATH or --synthetic")
        expectUsageError(
            ["simulate", "churn", "--encoder", "builtin:bytes", "--strategies", "sha,pixel"],
            mentioning: "decoded pixels"
        )
        expectUsageError(["simulate", "churn", "--strategies", "sha,md5"], mentioning: "--strategies")
        expectUsageError(["simulate", "churn", "--strategies", "sha,sha"], mentioning: "--strategies")
        expectUsageError(["simulate", "churn", "--kind", "resave"], mentioning: "--kind")
        expectUsageError(["simulate", "churn", "--churn", "1.5"], mentioning: "--churn")
        expectUsageError(["simulate", "churn", "--cycles", "0"], mentioning: "--cycles")
        expectUsageError(["simulate", "churn", "--encoder", "builtin:nope"], mentioning: "nope")
        expectUsageError(["simulate", "batch-sweep", "--batch-sizes", "1,0"], mentioning: "--batch-sizes")
        expectUsageError(["simulate", "batch-sweep", "--warm-hit-rate", "2"], mentioning: "--warm-hit-rate")
        expectUsageError(["simulate", "audit", "--images", "0"], mentioning: "--images")
        expectUsageError(["simulate", "phash-collisions", "--max-distance", "65"], mentioning: "--max-distance")
    }

    @Test func otherSubcommandsParseTheirOptions() throws {
        let sweep = try #require(
            try Embcache.parseAsRoot(["simulate", "batch-sweep", "--batch-sizes", "1,8,64", "--images", "50"])
                as? SimulateBatchSweepCommand
        )
        #expect(sweep.batchSizes.elements == [1, 8, 64] && sweep.images == 50 && sweep.warmHitRate == 0.9)
        let audit = try #require(try Embcache.parseAsRoot(["simulate", "audit"]) as? SimulateAuditCommand)
        #expect(audit.images == 64 && audit.input.path == nil)
        let scan = try #require(
            try Embcache.parseAsRoot(["simulate", "phash-collisions", "photos"]) as? SimulatePHashCollisionsCommand
        )
        #expect(scan.input.path == "photos" && scan.maxDistance == 4)
    }
}
