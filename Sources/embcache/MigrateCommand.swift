import ArgumentParser
import EmbeddingCache

/// `embcache migrate`: rewrites every record in the current record format version.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Rewrite every record in the current record format (format 3).",
        discussion: """
            embcache reads records of every format it knows, so migrating is never needed to read a \
            cache; it rewrites records of formats 1 and 2 in format 3, whose checksum sums each \
            1 MiB chunk with plain CRC32C (any CRC32C library verifies it, without copying) and \
            frames the model, preprocessing and storage names with their lengths (format 1 joined \
            them with " | ", which two different namespaces could share). Each record is verified \
            before it is rewritten; a corrupt one is left as it is and counted (run \
            `embcache verify --repair`). Other processes may use the cache meanwhile. Opening a \
            cache with this version marks its schema as version 3, so older embcache versions \
            refuse it with a message naming the version.

            Exit codes: 0 success (corrupt records, if any, are reported); 1 the store cannot be \
            read or written; 2 usage error.

            Example:
              embcache migrate --store postgres://user@db.internal/embeddings --json
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    @OptionGroup var progressOptions: ProgressOptions

    func run() async throws {
        let report =
            try await storeOptions.withExistingStore { store in
                let statistics = try await store.statistics()
                return try await ProgressBar.showing(total: statistics.totalEntries, unit: "records", progressOptions) {
                    try await RecordFormatMigration.run(on: store, progress: $0.update)
                }
            } ?? RecordFormatMigration.Report()
        if json { try JSONReport.print(report) } else { print(Self.text(report, store: storeOptions.displayName)) }
    }

    private static func text(_ report: RecordFormatMigration.Report, store: String) -> String {
        var line = "\(store): \(report.records) records, \(report.converted) converted to format 3, "
        line += "\(report.current) already current, \(report.corrupt) corrupt left unchanged"
        if report.corrupt > 0 { line += " (run embcache verify --repair)" }
        return line
    }
}
