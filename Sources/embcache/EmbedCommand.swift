import ArgumentParser
import EmbeddingCache
import EmbeddingCacheDatasets
import EmbeddingCacheEncoders
import EmbeddingCacheImages
import Foundation

/// `embcache embed`: embeds files and folders through the cache.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed files and folders, serving unchanged inputs from the cache.",
        discussion: """
            A hit is an input whose exact bytes were embedded before by the same encoder (model and \
            preprocessing) with the same storage policy: its SHA-256 is the key, never its path, so a \
            renamed or copied file hits and an edited file misses. Only misses are sent to the encoder; \
            an input repeated within a run is encoded once.

            Folders expand to the regular files below them, recursively, skipping hidden files and \
            folders, in bytewise order of their path. Results keep the order of the inputs.

            The cache lives in --store (a SQLite file or a postgres:// URL), else $EMBCACHE_STORE, else \
            $EMBCACHE_DIR/cache.sqlite, else $XDG_CACHE_HOME/embcache/cache.sqlite, else \
            ~/.cache/embcache/cache.sqlite. Processes sharing one PostgreSQL store encode each input once \
            between them.

            With --lines FILE (or - for stdin), each line is one UTF-8 text input labelled "line N": \
            a trailing \\r is stripped, empty lines are kept, and --output rows follow the lines.

            A process:'COMMAND …' encoder is a worker process speaking embcache's worker protocol on \
            stdin/stdout (docs/worker-protocol.md); its handshake names the model, so a new model is \
            a new namespace. A worker that crashes, hangs past --worker-timeout or answers garbage \
            fails its batch (nothing of it is stored) and is restarted for the next one.

            With --pixel-key, an image whose bytes miss (re-saved at another PNG compression level, \
            with new metadata) is decoded and looked up by its decoded pixels; a hit is served and \
            stored under its new bytes, so the next run hits without decoding. It is safe only in \
            front of an encoder that reads nothing but the decoded pixels (builtin:pixel-projection, a \
            worker asking for "pixels"); an encoder that reads bytes is refused (docs/images.md).

            Exit codes: 0 success; 1 the run failed (a missing path, a store that is not an embcache \
            cache or is from a newer version, a full disk, a worker that cannot start, the first \
            failure under --fail-fast); 2 usage error; 3 some inputs failed (they are named on stderr \
            and in --json; the others are embedded and stored, and their --output rows are NaN).

            Example:
              embcache embed Samples/images --encoder builtin:bytes --json
              embcache embed a.png photos/ --encoder builtin:bytes --output vectors.npy
              embcache embed photos/ --encoder builtin:pixel-projection --pixel-key
              embcache embed --lines sentences.txt --encoder process:'python3 Examples/workers/minilm_worker.py'
              embcache embed photos/ --encoder builtin:bytes --store postgres://me@db.internal/features
            """
    )

    @Argument(help: "Files and folders to embed, in order (none with --lines).")
    var paths: [String] = []

    @Option(
        help: ArgumentHelp(
            "Embed each line of FILE (- for stdin) as one UTF-8 text input, instead of PATH arguments.",
            valueName: "file"
        )
    )
    var lines: String?

    @Option(
        help: ArgumentHelp(
            "Embed the --text-field of each JSON object of FILE (- for stdin), one object per line, instead of PATH arguments.",
            valueName: "file"
        )
    )
    var jsonl: String?

    @Option(help: ArgumentHelp("With --jsonl: the field holding each text.", valueName: "name"))
    var textField = "text"

    @Option(
        help: ArgumentHelp("With --jsonl: the field naming each input in errors and the row map.", valueName: "name")
    )
    var idField: String?

    @Option(
        help:
            "The encoder: builtin:bytes[?dim=N&batch=N&cost-ms=N], builtin:pixel-projection[?size=N&dim=N&seed=N…] (images) or process:'COMMAND …' (a worker)."
    )
    var encoder: String

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var storageOptions: StorageOptions

    @OptionGroup var encodingOptions: EncodingOptions

    @Option(
        help: ArgumentHelp(
            "Write every input's record, in input order, to FILE.npy (a matrix) or FILE.safetensors.",
            valueName: "file"
        )
    )
    var output: String?

    @Option(
        help: """
            With .safetensors --output: rows (each record's tensors as <row>/<name>, the default) or \
            stacked (one tensor per field, [inputs, …]; every record alike).
            """
    )
    var layout: OutputFormat.Layout?

    @OptionGroup var workerOptions: WorkerOptions

    @Flag(
        help: """
            On a byte miss, decode the image and look it up by its decoded pixels; a hit is stored \
            under the file's bytes too. Only with an encoder that reads nothing but pixels.
            """
    )
    var pixelKey = false

    @Flag(
        help: """
            Do not read files whose device, inode, size, modification and change times are what they \
            were when they were hashed: take their digests from a memo private to this user and \
            machine. Faster than hashing; the exact risk is in docs/cli.md.
            """
    )
    var trustStat = false

    @Flag(help: "Encode everything without reading or writing the cache (a baseline).")
    var noCache = false

    @Flag(help: "Print one JSON object with the run's counts on stdout.")
    var json = false

    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        let sources = [!paths.isEmpty, lines != nil, jsonl != nil].filter { $0 }.count
        if sources > 1 { throw ValidationError("give one of PATH arguments, --lines or --jsonl") }
        if sources == 0 { throw ValidationError("give the paths to embed, or --lines FILE, or --jsonl FILE") }
        if idField != nil, jsonl == nil { throw ValidationError("--id-field goes with --jsonl") }
        if pixelKey, lines != nil || jsonl != nil {
            throw ValidationError("--pixel-key keys images; --lines and --jsonl inputs are texts")
        }
        if let output, OutputFormat(path: output) == nil {
            throw ValidationError("--output '\(output)' must end in .npy or .safetensors")
        }
        if layout != nil, output.flatMap(OutputFormat.init(path:)) != .safetensors {
            throw ValidationError("--layout applies to a .safetensors --output")
        }
        do {
            try specification().validate()
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() async throws {
        let inputs = try listedInputs()
        var configuration = EmbeddingCache.Configuration()
        configuration.storagePolicy = storageOptions.policy
        encodingOptions.apply(to: &configuration)
        if pixelKey { configuration.secondaryKey = PixelKey() }
        if trustStat { configuration.statMemo = StatMemo(path: StoreLocation.localFile("stat-memo")) }
        defer { Self.save(configuration.statMemo) }
        let location = noCache ? nil : StoreLocation.displayName(storeOptions.location)
        let workerConfiguration = workerOptions.configuration(statMemo: configuration.statMemo)
        let specification = try specification()
        try await withStore { store in
            try await embed(
                inputs,
                store: store,
                location: location,
                encoder: specification,
                configuration,
                workerConfiguration
            )
        }
    }

    /// The inputs of files, folders or a `--lines` / `--jsonl` file; `nil` when they are streamed
    /// from standard input (`-`).
    private func listedInputs() throws -> [EmbeddingInput]? {
        if lines == "-" || jsonl == "-" { return nil }
        return try lines.map(LineInputs.inputs(from:))
            ?? jsonl.map { try JSONLInputs.inputs(from: $0, textField: textField, idField: idField) }
            ?? InputExpansion.inputs(for: paths)
    }

    /// The listed inputs, or standard input's lines or records, read as they arrive.
    private func runInputs(_ listed: [EmbeddingInput]?, batch: Int) -> EmbedRun.Inputs {
        if let listed { return .all(listed) }
        if jsonl != nil { return .streamed(StreamedInputs.jsonl(textField: textField, idField: idField, batch: batch)) }
        return .streamed(StreamedInputs.lines(batch: batch))
    }

    /// Embeds `inputs` through a cache on `store` in front of the specified encoder, and reports.
    private func embed(
        _ listed: [EmbeddingInput]?,
        store: any EmbeddingStore,
        location: String?,
        encoder specification: EncoderSpecification,
        _ configuration: EmbeddingCache.Configuration,
        _ workerConfiguration: ProcessEncoder.Configuration
    ) async throws {
        try await specification.withEncoder(configuration: workerConfiguration) { encoder in
            let cache = EmbeddingCache(store: store, encoder: encoder, configuration: configuration)
            let inputs = runInputs(listed, batch: configuration.batchSize(for: encoder))
            let run = EmbedRun(
                cache: cache,
                inputs: inputs,
                bypassingCache: noCache,
                output: try output.map {
                    try OutputFormat(path: $0)!.makeOutput(path: $0, rowCount: inputs.count, layout: layout ?? .rows)
                },
                rowMap: try output.map(RowMapOutput.init(outputPath:)),
                failFast: encodingOptions.failFast
            )
            let outcome = try await ProgressBar.showing(total: inputs.count, progressOptions) {
                try await run.run(progress: $0.update)
            }
            var report = EmbedReport(
                counters: outcome.counters,
                seconds: outcome.seconds,
                namespace: cache.namespace,
                store: location,
                output: output,
                failures: outcome.failures
            )
            report.statMemoDigests = configuration.statMemo?.servedCount
            report.workersStarted = await (encoder as? ProcessEncoder)?.startedWorkers
            for failure in outcome.failures {
                StandardError.print("embcache: failed: \(failure.path): \(failure.reason)")
            }
            if json { try JSONReport.print(report) } else { progressOptions.summary(report.summary) }
            if !outcome.failures.isEmpty { throw ExitCode.someInputsFailed }
        }
    }

    /// Runs `body` with the cache's store, or an in-memory one under `--no-cache`.
    private func withStore<Result: Sendable>(
        _ body: (any EmbeddingStore) async throws -> Result
    ) async throws -> Result {
        noCache ? try await body(InMemoryEmbeddingStore()) : try await storeOptions.withStore(body)
    }

    /// Saves the memo, if any; a memo that cannot be saved costs only speed, so it is reported, not
    /// fatal.
    private static func save(_ memo: StatMemo?) {
        do {
            try memo?.save()
        } catch {
            StandardError.print("embcache: \(error.message)")
        }
    }

    /// The parsed `--encoder`.
    private func specification() throws(EmbeddingCacheError) -> EncoderSpecification {
        try EncoderSpecification(parsing: encoder)
    }
}
