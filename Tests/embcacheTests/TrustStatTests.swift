import Foundation
import Testing

/// `embed --trust-stat`: a warm run takes unchanged files' digests from the stat memo, and an
/// edited file is read again and encoded from its new bytes.
struct TrustStatTests {
    @Test func aWarmRunUsesTheMemoAndAnEditedFileIsEncodedAgain() throws {
        let cli = try CLIProcess()
        for index in 0..<6 { try cli.write("in/\(index).txt", "input number \(index)") }
        // Files changed within the memo's margin (2 s) of being hashed are not remembered.
        Thread.sleep(forTimeInterval: 2.2)
        let embed = ["embed", cli.path("in"), "--encoder", "builtin:bytes?dim=8", "--trust-stat", "--json"]
        let cold = try cli.run(embed).json()
        #expect(cold["encoded"] as? Int == 6 && cold["stat_memo_digests"] as? Int == 0)
        let memo = cli.path("cache/stat-memo")
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: memo)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0)
        let warm = try cli.run(embed).json()
        #expect(warm["hits"] as? Int == 6 && warm["stat_memo_digests"] as? Int == 6)
        try cli.write("in/2.txt", "input NUMBER 2")
        let edited = try cli.run(embed + ["--output", cli.path("out.npy")]).json()
        #expect(edited["hits"] as? Int == 5 && edited["encoded"] as? Int == 1)
        #expect(edited["stat_memo_digests"] as? Int == 5)
        let fresh = try cli.run([
            "embed", cli.path("in"), "--encoder", "builtin:bytes?dim=8", "--no-cache", "--output",
            cli.path("fresh.npy"),
        ])
        #expect(fresh.status == 0)
        let served = try Data(contentsOf: URL(fileURLWithPath: cli.path("out.npy")))
        #expect(served == (try Data(contentsOf: URL(fileURLWithPath: cli.path("fresh.npy")))))
    }

    @Test func withoutTheFlagNoMemoIsWrittenOrReported() throws {
        let cli = try CLIProcess()
        try cli.write("in/a.txt", "a")
        let report = try cli.run(["embed", cli.path("in"), "--encoder", "builtin:bytes?dim=8", "--json"]).json()
        #expect(report["stat_memo_digests"] == nil)
        #expect(!FileManager.default.fileExists(atPath: cli.path("cache/stat-memo")))
    }
}
