import Foundation
import Testing

/// `embed --output FILE` writes `FILE.ids.jsonl`: which input each row holds, its key and whether
/// it was a hit.
struct RowMapTests {
    /// SHA-256 of `text` by the system's `sha256sum`, independent of embcache.
    private func sha256(_ cli: CLIProcess, _ text: String) throws -> String {
        let path = try cli.write("hash-\(UUID().uuidString)", text)
        let output = try cli.run(program: URL(fileURLWithPath: "/usr/bin/env"), ["sha256sum", path], environment: [:])
        return String(output.stdout.prefix(64))
    }

    @Test(arguments: ["npy", "safetensors"])
    func eachRowNamesItsInputKeyAndHit(format: String) throws {
        let cli = try CLIProcess()
        let alpha = try cli.write("in/a.txt", "alpha")
        let beta = try cli.write("in/b.txt", "beta \"quoted\"")
        let copy = try cli.write("in/c.txt", "alpha")
        let encoder = ["--encoder", "builtin:bytes?dim=8"]
        #expect(try cli.run(["embed", alpha] + encoder).status == 0)
        let output = cli.path("out/vectors.\(format)")
        try FileManager.default.createDirectory(atPath: cli.path("out"), withIntermediateDirectories: true)
        let run = try cli.run(["embed", alpha, beta, copy, "--output", output] + encoder)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try String(contentsOfFile: output + ".ids.jsonl", encoding: .utf8).split(separator: "\n")
        let rows = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(rows.map { $0["row"] as? Int } == [0, 1, 2])
        #expect(rows.map { $0["id"] as? String } == [alpha, beta, copy])
        let alphaDigest = try sha256(cli, "alpha")
        #expect(rows.map { $0["digest"] as? String } == [alphaDigest, try sha256(cli, "beta \"quoted\""), alphaDigest])
        #expect(rows.map { $0["hit"] as? Bool } == [true, false, true])
        #expect(lines[0] == #"{"row":0,"id":"\#(alpha)","digest":"\#(alphaDigest)","hit":true}"#)
        #expect(lines[1].hasPrefix(#"{"row":1,"id":"\#(beta)","digest":"#))
    }

    @Test func noCacheRowsHaveNoDigest() throws {
        let cli = try CLIProcess()
        let input = try cli.write("in/a.txt", "alpha")
        let output = cli.path("vectors.npy")
        #expect(
            try cli.run(["embed", input, "--encoder", "builtin:bytes?dim=8", "--no-cache", "--output", output]).status
                == 0
        )
        let row = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + ".ids.jsonl")))
                as? [String: Any]
        )
        #expect(row["digest"] is NSNull && row["hit"] as? Bool == false && row["id"] as? String == input)
    }
}
