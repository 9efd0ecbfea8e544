import ArgumentParser
import EmbeddingCache
import EmbeddingCacheDatasets

/// `embcache export`: a dataset's cached fields for a trainer, or a whole namespace to move a cache.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a dataset's cached fields, or a whole namespace, as safetensors files.",
        discussion: """
            With --manifest and --plan (as for precompute), every sample's fields are written under \
            their names to OUT/<id>.safetensors, or with --shard-size N to OUT/shard-NNNNN.safetensors \
            holding N samples each with tensors named <id>/<field>; OUT/index.json maps each sample id \
            to its file. A sample not cached yet is encoded and stored (--on-miss compute, the \
            default), left out and listed (skip), or stops the export (error).

            With --namespace MODEL|PREPROCESSING|STORAGE, every record of that one namespace is written \
            to OUT/shard-NNNNN.safetensors with tensors named <digest hex>/<tensor name>, plus \
            OUT/index.json (the namespace, and per record its digest, shard, tensor names and \
            checksum); `embcache import OUT` loads it into another store.

            Exit codes: 0 success; 1 the export failed (a store or write error, a missing sample under \
            --on-miss error, a namespace that matches nothing); 2 usage error; 3 some samples failed.

            Example:
              embcache export --manifest train.jsonl --plan plan.json --output cache-export --on-miss skip
              embcache export --namespace 'builtin:bytes/v1?dim=64|raw-bytes|lossless' --output moved
            """
    )

    @Option(help: ArgumentHelp("The dataset to export (with --plan).", valueName: "file.jsonl"))
    var manifest: String?

    @Option(help: ArgumentHelp("The plan naming the fields (with --manifest).", valueName: "file"))
    var plan: String?

    @Option(help: ArgumentHelp("Export this whole namespace instead of a dataset.", valueName: "m|p|s"))
    var namespace: NamespacePattern?

    @Option(help: ArgumentHelp("The folder to write.", valueName: "dir"))
    var output: String?

    /// `--out DIR`, the earlier spelling of `--output`, still accepted.
    @Option(name: .customLong("out"), help: .hidden) var outFolder: String?

    /// The folder to write: `--output`, else `--out`.
    var out: String { output ?? outFolder ?? "" }

    @Option(help: "What to do with a sample that is not cached yet.")
    var onMiss: TrainingExport.OnMiss = .compute

    @Option(help: ArgumentHelp("Samples per shard file; one file per sample by default.", valueName: "n"))
    var shardSize: Int?

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var workerOptions: WorkerOptions

    @OptionGroup var encodingOptions: EncodingOptions

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        if output != nil, outFolder != nil { throw ValidationError("give --output once (--out is its old name)") }
        if out.isEmpty { throw ValidationError("give the folder to write: --output DIR") }
        if namespace != nil, manifest != nil || plan != nil || shardSize != nil {
            throw ValidationError("--namespace exports a whole namespace: give no --manifest, --plan or --shard-size")
        }
        if namespace == nil, manifest == nil || plan == nil {
            throw ValidationError("give --manifest and --plan, or --namespace")
        }
        if let shardSize, shardSize < 1 { throw ValidationError("--shard-size must be at least 1") }
    }

    func run() async throws {
        if let namespace { return try await export(namespace) }
        let plan = try PrecomputePlan(path: plan!)
        let manifest = try Manifest(path: manifest!)
        var configuration = TrainingExport.Configuration()
        configuration.onMiss = onMiss
        configuration.shardSize = shardSize
        configuration.failFast = encodingOptions.failFast
        let report = try await storeOptions.withStore { store in
            try await PlanCaches.with(
                plan,
                store: store,
                worker: workerOptions.configuration(for: plan),
                adjusting: encodingOptions.apply
            ) { caches in
                let export = TrainingExport(
                    plan: plan,
                    manifest: manifest,
                    caches: caches,
                    out: out,
                    configuration: configuration
                )
                return try await ProgressBar.showing(total: manifest.samples.count, unit: "samples", progressOptions) {
                    try await export.run(progress: $0.update)
                }
            }
        }
        for failure in report.failures {
            StandardError.print("embcache: failed: sample \(failure.sample) field \(failure.field): \(failure.reason)")
        }
        if json { try JSONReport.print(report) } else { progressOptions.summary(report.summary) }
        if report.failed > 0 { throw ExitCode.someInputsFailed }
    }

    private func export(_ pattern: NamespacePattern) async throws {
        let exported = try await storeOptions.withExistingStore { store in
            let namespace = try await NamespaceExport.namespace(matching: pattern, in: store)
            return try await NamespaceExport(store: store, namespace: namespace, out: out).run()
        }
        guard let report = exported else {
            throw EmbeddingCacheError(.invalidArgument, "there is no store at \(storeOptions.displayName)")
        }
        if json {
            try JSONReport.print(report)
        } else {
            StandardError.print("exported \(report.records) records (\(report.corrupt) corrupt left out) to \(out)")
        }
    }
}
