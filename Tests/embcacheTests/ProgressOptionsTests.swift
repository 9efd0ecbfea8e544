import Foundation
import Testing

/// `--progress` and `--quiet` on a command whose stderr is a pipe, as in CI logs.
struct ProgressOptionsTests {
    private func embed(_ cli: CLIProcess, _ extra: [String]) throws -> CLIProcess.Output {
        for index in 0..<20 { try cli.write("in/\(index).txt", "input \(index)") }
        _ = try cli.run(["embed", cli.path("in/0.txt"), "--encoder", "builtin:bytes?dim=8"])
        return try cli.run(["embed", cli.path("in"), "--encoder", "builtin:bytes?dim=8"] + extra)
    }

    @Test func alwaysDrawsTheBarWithHitsAndMissesEvenOffATerminal() throws {
        let output = try embed(try CLIProcess(), ["--progress", "always"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("20/20 inputs (100%)"), "\(output.stderr)")
        #expect(output.stderr.contains("1 hits, 19 misses"), "\(output.stderr)")
        #expect(output.stderr.contains("#"))
    }

    @Test func neverAndQuietDrawNothingAndQuietDropsTheSummary() throws {
        let never = try embed(try CLIProcess(), ["--progress", "never"])
        #expect(never.status == 0 && !never.stderr.contains("inputs (") && !never.stderr.isEmpty)
        let quiet = try embed(try CLIProcess(), ["--quiet"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    @Test func anUnknownModeIsAUsageError() throws {
        let output = try embed(try CLIProcess(), ["--progress", "sometimes"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("--progress"), "\(output.stderr)")
    }
}
