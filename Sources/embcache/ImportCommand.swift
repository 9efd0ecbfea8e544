import ArgumentParser
import EmbeddingCache
import EmbeddingCacheDatasets

/// `embcache import DIR`: loads a namespace written by `embcache export --namespace` into the store.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load a namespace exported with export --namespace into the store.",
        discussion: """
            Reads DIR/index.json and the shards it names, rebuilds every record with its tensors in \
            their original order, re-seals it and checks the checksum recorded at export, so a record \
            damaged in transit is counted as corrupt and not stored. Records are stored in batches; \
            records already present are replaced by identical ones. A folder holds one namespace; \
            with --namespace, a folder holding another one is refused. Checksums detect damage, not \
            forgery: import only folders you trust.

            Exit codes: 0 every record imported; 1 the folder is not an export, holds another namespace \
            than --namespace, or the store cannot be written; 2 usage error; 3 some records were corrupt (the others are imported).

            Example:
              embcache import moved --store other.sqlite --json
            """
    )

    @Argument(help: ArgumentHelp("A folder written by export --namespace.", valueName: "dir"))
    var directory: String

    @Option(
        help: ArgumentHelp(
            "Import only if the folder holds this namespace; refuse it otherwise.",
            valueName: "model[|preprocessing[|storage]]"
        )
    )
    var namespace: NamespacePattern?

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    @OptionGroup var progressOptions: ProgressOptions

    func run() async throws {
        let load = try NamespaceImport(folder: directory, expecting: namespace)
        let report = try await storeOptions.withStore { store in
            try await ProgressBar.showing(total: load.index.records.count, unit: "records", progressOptions) { bar in
                try await load.run(into: store, storeName: storeOptions.displayName, progress: bar.update) {
                    StandardError.print("embcache: \($0)")
                }
            }
        }
        if json {
            try JSONReport.print(report)
        } else {
            StandardError.print("imported \(report.imported) of \(report.records) records (\(report.corrupt) corrupt)")
        }
        if report.corrupt > 0 { throw ExitCode.someInputsFailed }
    }
}
