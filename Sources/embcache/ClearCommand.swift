import ArgumentParser
import EmbeddingCache
import Foundation

/// `embcache clear`: removes every entry, or every entry of some namespaces.
struct ClearCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Remove every entry of the cache, or of the --namespace namespaces.",
        discussion: """
            Without --yes, asks for confirmation on a terminal, and refuses (exit 2, nothing removed) \
            when stdin is not a terminal, so a script never clears a cache by accident. A store that \
            does not exist is not created.

            Exit codes: 0 success (also when answered no); 1 the store cannot be read or written; \
            2 usage error, or no --yes without a terminal.

            Example:
              embcache clear --yes
              embcache clear --namespace 'builtin:bytes/v1?dim=384' --yes --json
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("Remove only these namespaces.", valueName: "model[|preprocessing[|storage]]"))
    var namespace: [NamespacePattern] = []

    @Flag(help: "Remove without asking.")
    var yes = false

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func validate() throws {
        if !yes, isatty(FileHandle.standardInput.fileDescriptor) == 0 {
            throw ValidationError("clear removes entries: pass --yes when stdin is not a terminal")
        }
    }

    func run() async throws {
        let empty = RemovalReport.empty(store: storeOptions.displayName, dryRun: false)
        guard let report = try await storeOptions.withExistingStore(clear) ?? empty else { return }
        if json { try JSONReport.print(report) } else { print(report.summary) }
    }

    /// Removes what was asked from `store` once confirmed; `nil` when the answer was no.
    private func clear(_ store: any EmbeddingStore) async throws -> RemovalReport? {
        let location = storeOptions.displayName
        let before = try await store.statistics()
        var criteria = PruneCriteria()
        criteria.namespaces =
            namespace.isEmpty
            ? before.namespaces.map(\.namespace) : NamespacePattern.namespaces(matching: namespace, in: before)
        let entries = before.namespaces.filter { criteria.namespaces.contains($0.namespace) }
            .reduce(0) { $0 + $1.entries }
        guard yes || confirm("Remove \(entries) entries from \(location)? [y/N] ") else { return nil }
        return try await RemovalReport.removing(criteria, from: store, at: location, before: before)
    }

    /// Asks `question` on stderr and reads a yes or no from stdin.
    private func confirm(_ question: String) -> Bool {
        StandardError.write(question)
        return ["y", "yes"].contains(readLine()?.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
