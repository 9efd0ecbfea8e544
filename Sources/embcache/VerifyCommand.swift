import ArgumentParser
import EmbeddingCache
import EmbeddingCacheSQLite

/// `embcache verify`: checks every stored record's checksum and the store's structure; with
/// `--repair` deletes the corrupt records, or rebuilds a damaged SQLite file.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every record's checksum; with --repair, delete the corrupt ones or rebuild a damaged file.",
        discussion: """
            Reads every record of every namespace and checks its checksum and encoding, as a lookup \
            does. A corrupt record is never served anyway (a lookup counts it as a miss and re-encodes \
            it); verify finds them ahead of time. With --repair they are deleted, and the next embed \
            of those inputs encodes them again. Records are named by namespace and digest, never by \
            content. A store that does not exist is reported empty and is not created.

            The store's own structure is checked too. When a SQLite file is itself damaged, --repair \
            rebuilds it from every record that can still be read and verifies, swaps the new file in, \
            keeps the damaged one beside it as PATH.damaged-TIME, and reports records kept and dropped. \
            No other process may have the store open meanwhile.

            Exit codes: 0 no corrupt record remains; 1 the store cannot be read (for example a \
            database file that is itself damaged, without --repair); 2 usage error; 4 corrupt \
            records remain (found without --repair).

            Example:
              embcache verify
              embcache verify --repair --json
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Delete the corrupt records; rebuild a damaged SQLite file.")
    var repair = false

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    @OptionGroup var progressOptions: ProgressOptions

    func run() async throws {
        var report: VerifyReport
        do {
            report = try await verifyStore()
        } catch let error as EmbeddingCacheError
            where repair && error.code == .storeDamaged && !StoreLocation.isPostgres(storeOptions.location)
        {
            let rebuild = try SQLiteEmbeddingStore.rebuild(at: storeOptions.location)
            report = try await verifyStore()
            report.rebuild = VerifyReport.Rebuild(rebuild)
        }
        if json { try JSONReport.print(report) } else { print(report.text) }
        if report.corruptRemain { throw ExitCode.corruptRecordsRemain }
    }

    /// Verifies the store at the location given, when one exists.
    private func verifyStore() async throws -> VerifyReport {
        try await storeOptions.withExistingStore(verify) ?? VerifyReport(store: storeOptions.displayName)
    }

    /// Verifies every namespace of `store`, with a progress bar, then the store's structure.
    func verify(_ store: any EmbeddingStore) async throws -> VerifyReport {
        var report = VerifyReport(store: storeOptions.displayName)
        let statistics = try await store.statistics()
        let progress = ProgressBar(total: statistics.totalEntries, unit: "records", style: progressOptions.style)
        defer { progress.finish() }
        for figures in statistics.namespaces {
            try await verify(figures, of: store, into: &report) { progress.update($0) }
        }
        try await store.checkStructure()
        if repair { report.orphansRemoved = try await store.sweepOrphans() }
        return report
    }

    /// Pages through one namespace, checking each record, deleting corrupt ones under `--repair`
    /// unless another process has stored them again since they were read.
    private func verify(
        _ figures: StoreStatistics.NamespaceStatistics,
        of store: any EmbeddingStore,
        into report: inout VerifyReport,
        progress: (Int) -> Void
    ) async throws {
        let namespace = figures.namespace
        let checksum = RecordChecksum(namespace: namespace)
        try await store.forEachPage(of: figures) { page in
            let corrupt = page.filter { checksum.open($0.record, digest: $0.digest) == nil }
            let deleted = repair && !corrupt.isEmpty ? try await store.deleteIfUnchanged(corrupt, in: namespace) : 0
            report.records += page.count
            report.corrupt += corrupt.count
            report.repaired += deleted
            report.replaced += repair ? corrupt.count - deleted : 0
            report.corruptEntries += corrupt.map {
                .init(namespace: NamespaceReport(namespace), digest: $0.digest.hex, repaired: repair)
            }
            progress(report.records)
        }
    }
}
