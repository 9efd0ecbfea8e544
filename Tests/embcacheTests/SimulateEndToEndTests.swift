import Foundation
import Testing

/// `embcache simulate …` run as a user runs it: the files it writes, and every `--json` field
/// documented in docs/cli.md.
struct SimulateEndToEndTests {
    /// A small, fast pixel encoder, so that a debug build runs these in seconds.
    static let encoder = "builtin:pixel-projection?size=16&dim=32"

    /// The repository's sample images: 12 PNGs in one folder.
    static let samples: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/images").path
    }()

    @Test func churnOnTheSyntheticCorpusPrintsTableOneAndWritesTheCharts() throws {
        let cli = try CLIProcess()
        let output = try cli.run([
            "simulate", "churn", "--synthetic", "--cycles", "2", "--per-cycle", "40", "--encoder", Self.encoder,
            "--out", "results",
        ])
        #expect(output.status == 0, "\(output.stderr)")
        for header in ["strategy", "encoder s (all cycles)", "hit rate from cycle 1", "wrong vectors served"] {
            #expect(output.stdout.contains(header), "\(header)")
        }
        for strategy in ["none", "path", "sha", "pixel", "phash"] {
            #expect(output.stdout.contains("\n\(strategy) "), "\(strategy)")
        }
        let written = try FileManager.default.contentsOfDirectory(atPath: cli.path("results")).sorted()
        #expect(
            written == [
                "churn-encoder-seconds.svg", "churn-hit-rate.svg", "churn-summary.csv", "churn-wrong-vectors.svg",
                "churn.csv",
            ]
        )
        #expect(!FileManager.default.fileExists(atPath: cli.storePath), "the user's cache is never opened")
    }

    @Test func everyJSONFieldIsDocumented() throws {
        let cli = try CLIProcess()
        let runs = [
            ["churn", Self.samples, "--cycles", "2", "--kind", "mixed"],
            ["audit", Self.samples],
            ["batch-sweep", Self.samples, "--batch-sizes", "1,4"],
            ["phash-collisions", Self.samples],
        ]
        for arguments in runs {
            let output = try cli.run(
                ["simulate"] + arguments
                    + ["--encoder", Self.encoder, "--json"].suffix(arguments[0] == "phash-collisions" ? 1 : 3)
            )
            #expect(output.status == 0, "\(arguments): \(output.stderr)")
            for key in ManagementJSONDocumentationTests.keys(of: try output.json()) {
                #expect(
                    ManagementJSONDocumentationTests.documentation.contains("`\(key)`")
                        || ManagementJSONDocumentationTests.documentation.contains("\"\(key)\""),
                    "\(arguments[0]): \(key)"
                )
            }
        }
    }

    @Test func keptStoresAreRefusedOnTheNextRun() throws {
        let cli = try CLIProcess()
        let arguments = ["simulate", "audit", Self.samples, "--encoder", Self.encoder, "--store", "stores", "--json"]
        #expect(try cli.run(arguments).status == 0)
        #expect(FileManager.default.fileExists(atPath: cli.path("stores/audit.sqlite")))
        let again = try cli.run(arguments)
        #expect(again.status == 1)
        #expect(again.stderr.contains("stores/audit.sqlite' already exists"), "\(again.stderr)")
    }
}
