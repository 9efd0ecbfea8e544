import Foundation
import Testing

/// Every field the management commands print under `--json` is documented in `docs/cli.md`.
struct ManagementJSONDocumentationTests {
    static let documentation: String = {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return (try? String(contentsOf: package.appendingPathComponent("docs/cli.md"), encoding: .utf8)) ?? ""
    }()

    /// The keys of `object` and of the objects nested in it, at any depth.
    static func keys(of object: Any) -> Set<String> {
        if let dictionary = object as? [String: Any] {
            return dictionary.reduce(into: Set(dictionary.keys)) { $0.formUnion(keys(of: $1.value)) }
        }
        if let array = object as? [Any] { return array.reduce(into: []) { $0.formUnion(keys(of: $1)) } }
        return []
    }

    @Test func everyFieldIsDocumented() throws {
        let cli = try CLIProcess()
        let input = try cli.write("input.txt", "documented")
        #expect(try cli.run(["embed", input, "--encoder", "builtin:bytes?dim=8"]).status == 0)
        try SQLiteShell.corruptPayload(cli.storePath, rowid: 1)
        let outputs = try [
            cli.run(["verify", "--json"]), cli.run(["explain", input, "--encoder", "builtin:bytes?dim=8", "--json"]),
            cli.run(["prune", "--max-size", "0", "--dry-run", "--json"]), cli.run(["clear", "--yes", "--json"]),
        ]
        for output in outputs {
            for key in Self.keys(of: try output.json()) {
                #expect(Self.documentation.contains("`\(key)`") || Self.documentation.contains("\"\(key)\""), "\(key)")
            }
        }
    }
}
