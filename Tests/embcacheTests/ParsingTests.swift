import ArgumentParser
import EmbeddingCache
import Testing

@testable import embcache

/// Parsing through `Embcache.parseAsRoot` (the AssertParse pattern), including usage errors.
struct ParsingTests {
    private func embed(_ arguments: [String]) throws -> EmbedCommand {
        try #require(try Embcache.parseAsRoot(["embed"] + arguments) as? EmbedCommand)
    }

    /// Asserts that `arguments` is a usage error (exit code 2 once `main` maps it) mentioning `text`.
    private func expectUsageError(_ arguments: [String], mentioning text: String) {
        do {
            _ = try Embcache.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed, expected a usage error")
        } catch {
            #expect(Embcache.exitCode(for: error) == .validationFailure)
            #expect(Embcache.message(for: error).contains(text), "\(Embcache.message(for: error))")
        }
    }

    /// `precompute` and `export` take `--batch-size` and `--lease-seconds` as `embed` does, with
    /// the same checks.
    @Test func precomputeAndExportTakeTheEncodingOptions() throws {
        let plan = ["--manifest", "m.jsonl", "--plan", "p.json"]
        let precompute = try #require(
            try Embcache.parseAsRoot(["precompute"] + plan + ["--batch-size", "8", "--lease-seconds", "5"])
                as? PrecomputeCommand
        )
        #expect(precompute.encodingOptions.batchSize == 8 && precompute.encodingOptions.leaseSeconds == 5)
        let export = try #require(
            try Embcache.parseAsRoot(["export"] + plan + ["--output", "d", "--batch-size", "4"]) as? ExportCommand
        )
        var configuration = EmbeddingCache.Configuration()
        configuration.batchSize = 64
        export.encodingOptions.apply(to: &configuration)
        #expect(configuration.batchSize == 4 && configuration.leaseDuration == .seconds(60))
        expectUsageError(["precompute"] + plan + ["--batch-size", "0"], mentioning: "--batch-size")
        expectUsageError(["export"] + plan + ["--output", "d", "--lease-seconds", "-1"], mentioning: "--lease-seconds")
    }

    @Test func embedParsesEveryOption() throws {
        let command = try embed([
            "a", "dir", "--encoder", "builtin:bytes?dim=8", "--store", "/tmp/s.sqlite", "--batch-size", "16",
            "--output", "out.npy", "--storage-policy", "float16", "--no-cache", "--json",
        ])
        #expect(command.paths == ["a", "dir"])
        #expect(command.encoder == "builtin:bytes?dim=8")
        #expect(command.storeOptions.store == "/tmp/s.sqlite")
        #expect(command.storeOptions.location == "/tmp/s.sqlite")
        #expect(command.encodingOptions.batchSize == 16)
        #expect(command.output == "out.npy")
        #expect(command.storageOptions.policy == .float16)
        #expect(command.noCache)
        #expect(command.json)
    }

    @Test func storageHasOneNameAndItsOldSpellingsAgree() throws {
        let spellings = [["--storage", "float16"], ["--storage-policy", "float16"], ["--store-dtype", "float16"]]
        for spelling in spellings {
            #expect(try embed(["a", "--encoder", "builtin:bytes"] + spelling).storageOptions.policy == .float16)
        }
        let saturating = try embed(["a", "--encoder", "builtin:bytes", "--storage", "bfloat16-saturating"])
        #expect(saturating.storageOptions.policy == .bfloat16Saturating)
        expectUsageError(
            ["embed", "a", "--encoder", "builtin:bytes", "--storage", "float16", "--store-dtype", "bfloat16"],
            mentioning: "--storage float16 contradicts --store-dtype bfloat16"
        )
        let explain = try #require(
            try Embcache.parseAsRoot(["explain", "x", "--encoder", "builtin:bytes", "--storage", "bfloat16"])
                as? ExplainCommand
        )
        #expect(explain.storageOptions.policy == .bfloat16)
        let help = Embcache.helpMessage(for: EmbedCommand.self)
        #expect(help.contains("--storage <policy>"))
        #expect(!help.contains("--store-dtype"))
        #expect(!help.contains("--storage-policy"))
    }

    @Test func workersParseAndAreBounded() throws {
        #expect(try embed(["a", "--encoder", "builtin:bytes", "--workers", "4"]).workerOptions.workers == 4)
        #expect(try embed(["a", "--encoder", "builtin:bytes"]).workerOptions.workers == nil)
        expectUsageError(["embed", "a", "--encoder", "builtin:bytes", "--workers", "0"], mentioning: "--workers")
        expectUsageError(["embed", "a", "--encoder", "builtin:bytes", "--workers", "65"], mentioning: "--workers")
    }

    @Test func embedDefaults() throws {
        let command = try embed(["a", "--encoder", "builtin:bytes"])
        #expect(command.storageOptions.policy == .lossless)
        #expect(command.encodingOptions.batchSize == nil)
        #expect(command.output == nil)
        #expect(!command.noCache)
        #expect(!command.json)
    }

    @Test func statsParses() throws {
        let command = try #require(
            try Embcache.parseAsRoot(["stats", "--store", "x.sqlite", "--json"]) as? StatsCommand
        )
        #expect(command.storeOptions.location == "x.sqlite")
        #expect(command.json)
    }

    @Test(arguments: [
        (["embed", "a"], "--encoder"),
        (["embed", "--encoder", "builtin:bytes"], "paths"),
        (["embed", "a", "--encoder", "builtin:nope"], "nope"),
        (["embed", "a", "--encoder", "bytes"], "SCHEME:NAME"),
        (["embed", "a", "--encoder", "builtin:bytes?dim=0"], "dim"),
        (["embed", "a", "--encoder", "builtin:bytes?colour=red"], "colour"),
        (["embed", "a", "--encoder", "builtin:bytes", "--batch-size", "0"], "--batch-size"),
        (["embed", "a", "--encoder", "builtin:bytes", "--output", "out.csv"], "out.csv"),
        (["embed", "a", "--encoder", "builtin:bytes", "--storage-policy", "int4"], "int4"),
        (["embed", "a", "--encoder", "builtin:bytes", "--store", ""], "--store"),
        (["stats", "--frobnicate"], "--frobnicate"),
    ])
    func usageErrors(arguments: [String], mentioning text: String) {
        expectUsageError(arguments, mentioning: text)
    }
}
