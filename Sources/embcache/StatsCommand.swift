import ArgumentParser
import EmbeddingCache
import Foundation

/// `embcache stats`: what the cache holds, per namespace.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show the cache's entries and bytes per namespace, and its size on disk.",
        discussion: """
            A namespace is (model, preprocessing, storage policy): each encoder configuration keeps \
            its own entries. Bytes are the records' payload; disk bytes include the database's \
            overhead. A store that does not exist yet is reported empty and is not created.

            Exit codes: 0 success; 1 the store cannot be read (not an embcache cache, or from a \
            newer version); 2 usage error.

            Example:
              embcache stats --json
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func run() async throws {
        let location = storeOptions.location
        let statistics = try await storeOptions.withExistingStore { try await $0.statistics() }
        let report = StatsReport(
            store: storeOptions.displayName,
            statistics: statistics ?? StoreStatistics(namespaces: []),
            diskBytes: statistics.map { $0.diskBytes ?? Self.fileSize(location) } ?? 0
        )
        if json { try JSONReport.print(report) } else { print(report.table) }
    }

    private static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}
