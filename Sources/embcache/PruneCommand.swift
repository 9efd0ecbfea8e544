import ArgumentParser
import EmbeddingCache
import Foundation

/// `embcache prune`: removes entries by namespace, by age, or least recently used first by size.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove entries by namespace, by age, or least recently used first down to a size.",
        discussion: """
            Criteria combine, each one removing more: every entry of the --namespace namespaces, then \
            entries not used for --older-than, then the least recently used entries until the payload \
            bytes are at most --max-size. Last-use times are kept coarsely (to the hour). With \
            --dry-run, the same removal is computed and nothing changes. A store that does not exist \
            is not created.

            --namespace takes MODEL[|PREPROCESSING[|STORAGE]], as `stats` prints namespaces; a field \
            left out matches any value, and the option repeats.

            Exit codes: 0 success; 1 the store cannot be read or written; 2 usage error.

            Example:
              embcache prune --max-size 10GB --dry-run
              embcache prune --older-than 30d --json
              embcache prune --namespace 'builtin:bytes/v1?dim=384|raw-bytes'
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("Remove every entry of these namespaces.", valueName: "model[|preprocessing[|storage]]"))
    var namespace: [NamespacePattern] = []

    @Option(help: ArgumentHelp("Remove entries not used for this long: 30d, 12h, 45m, 2w.", valueName: "duration"))
    var olderThan: AgeArgument?

    @Option(
        help: ArgumentHelp(
            "Remove least recently used entries down to this size: 500MB, 10GB, 2GiB.",
            valueName: "size"
        )
    )
    var maxSize: ByteSize?

    @Flag(help: "Report what would be removed, and remove nothing.")
    var dryRun = false

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func validate() throws {
        if namespace.isEmpty, olderThan == nil, maxSize == nil {
            throw ValidationError("give at least one of --namespace, --older-than, --max-size")
        }
        if let olderThan, olderThan.seconds > AgeArgument.maximumSeconds {
            throw ValidationError("--older-than must be at most 100 years (36500d)")
        }
    }

    func run() async throws {
        let location = storeOptions.displayName
        let report =
            try await storeOptions.withExistingStore { store in
                let before = try await store.statistics()
                var criteria = PruneCriteria()
                criteria.namespaces = NamespacePattern.namespaces(matching: namespace, in: before)
                criteria.unusedSince = olderThan.map { Date(timeIntervalSinceNow: -$0.seconds) }
                criteria.maximumBytes = maxSize?.bytes
                criteria.dryRun = dryRun
                return try await RemovalReport.removing(criteria, from: store, at: location, before: before)
            } ?? RemovalReport.empty(store: location, dryRun: dryRun)
        if json { try JSONReport.print(report) } else { print(report.summary) }
    }
}
