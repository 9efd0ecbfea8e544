import Foundation
import Testing

/// `embed --jsonl FILE --text-field NAME [--id-field NAME]`: one text per JSON object, newlines
/// and all, named by its id.
struct JSONLInputTests {
    @Test func eachObjectIsOneTextNamedByItsId() throws {
        let cli = try CLIProcess()
        let file = try cli.write(
            "chunks.jsonl",
            """
            {"id": "doc-1#0", "body": "first chunk\\nwith a second line"}

            {"id": 7, "body": "second chunk", "extra": true}\r
            {"id": "doc-2#0", "body": "first chunk\\nwith a second line"}

            """
        )
        let output = cli.path("vectors.npy")
        let run = try cli.run([
            "embed", "--jsonl", file, "--text-field", "body", "--id-field", "id", "--encoder", "builtin:bytes?dim=8",
            "--output", output, "--json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try run.json()
        #expect(report["inputs"] as? Int == 3 && report["duplicates"] as? Int == 1 && report["encoded"] as? Int == 2)
        let rows = try String(contentsOfFile: output + ".ids.jsonl", encoding: .utf8).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(rows.map { $0["id"] as? String } == ["doc-1#0", "7", "doc-2#0"])
        let text = try cli.write("text.txt", "first chunk\nwith a second line")
        let hashed = try cli.run(program: URL(fileURLWithPath: "/usr/bin/env"), ["sha256sum", text], environment: [:])
        #expect(rows[0]["digest"] as? String == String(hashed.stdout.prefix(64)))
    }

    @Test func aLineWithoutTheTextFieldIsAnErrorNamingIt() throws {
        let cli = try CLIProcess()
        let file = try cli.write("bad.jsonl", "{\"text\": \"fine\"}\n{\"title\": \"no text\"}\n")
        let run = try cli.run(["embed", "--jsonl", file, "--encoder", "builtin:bytes?dim=8"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("line 2") && run.stderr.contains("'text'"), "\(run.stderr)")
        let notJSON = try cli.write("garbage.jsonl", "{\"text\": \"fine\"}\nnot json at all\n")
        let garbage = try cli.run(["embed", "--jsonl", notJSON, "--encoder", "builtin:bytes?dim=8"])
        #expect(garbage.status == 1 && garbage.stderr.contains("line 2"), "\(garbage.stderr)")
    }

    @Test func jsonlExcludesPathsAndLines() throws {
        let cli = try CLIProcess()
        let file = try cli.write("a.jsonl", "{\"text\": \"a\"}\n")
        let both = try cli.run(["embed", file, "--jsonl", file, "--encoder", "builtin:bytes"])
        #expect(both.status == 2 && both.stderr.contains("--jsonl"), "\(both.stderr)")
        let idAlone = try cli.run(["embed", file, "--id-field", "id", "--encoder", "builtin:bytes"])
        #expect(idAlone.status == 2 && idAlone.stderr.contains("--id-field"), "\(idAlone.stderr)")
    }
}
