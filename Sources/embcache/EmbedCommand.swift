import ArgumentParser
import EmbeddingCache
import EmbeddingCacheEncoders

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

            Exit codes: 0 success; 1 the run failed (a missing path, a store that is not an embcache \
            cache or is from a newer version, a full disk); 2 usage error; 3 some inputs failed (they \
            are named on stderr and in --json; the others are embedded and stored, and their --output \
            rows are NaN).

            Example:
              embcache embed Samples/images --encoder builtin:bytes --json
              embcache embed a.png photos/ --encoder builtin:bytes --output vectors.npy
              embcache embed photos/ --encoder builtin:bytes --store postgres://me@db.internal/features
            """
    )

    @Argument(help: "Files and folders to embed, in order.")
    var paths: [String]

    @Option(help: "The encoder, such as builtin:bytes or builtin:bytes?dim=128&cost-ms=5.")
    var encoder: String

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "How float tensors are stored; part of the namespace.")
    var storagePolicy: StoragePolicy = .lossless

    @Option(help: "Inputs per encoder call; the encoder's preferred size by default.")
    var batchSize: Int?

    @Option(
        help: ArgumentHelp(
            "Write every input's record, in input order, to FILE.npy (a matrix) or FILE.safetensors.",
            valueName: "file"
        )
    )
    var output: String?

    @Option(
        help: ArgumentHelp(
            "How long this process holds inputs it missed in a shared (PostgreSQL) store before others take them over.",
            valueName: "seconds"
        )
    )
    var leaseSeconds: Double = 60

    @Flag(help: "Encode everything without reading or writing the cache (a baseline).")
    var noCache = false

    @Flag(help: "Print one JSON object with the run's counts on stdout.")
    var json = false

    func validate() throws {
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if !(leaseSeconds > 0) { throw ValidationError("--lease-seconds must be positive") }
        if let output, OutputFormat(path: output) == nil {
            throw ValidationError("--output '\(output)' must end in .npy or .safetensors")
        }
        _ = try makeEncoder()
    }

    func run() async throws {
        let files = try InputExpansion.files(for: paths)
        var configuration = EmbeddingCache.Configuration()
        configuration.batchSize = batchSize
        configuration.storagePolicy = storagePolicy
        configuration.leaseDuration = .milliseconds(Int64(leaseSeconds * 1000))
        let encoder = try makeEncoder()
        let output = try self.output.map { try OutputFormat(path: $0)!.makeOutput(path: $0, rowCount: files.count) }
        let outcome = try await withStore { store in
            let cache = EmbeddingCache(store: store, encoder: encoder, configuration: configuration)
            return try await EmbedRun(cache: cache, files: files, bypassingCache: noCache, output: output).run()
        }
        let report = EmbedReport(
            counters: outcome.counters,
            seconds: outcome.seconds,
            namespace: encoder.namespace.storing(storagePolicy),
            store: noCache ? nil : StoreLocation.displayName(storeOptions.location),
            output: self.output,
            failures: outcome.failures
        )
        for failure in outcome.failures { StandardError.print("embcache: failed: \(failure.path): \(failure.reason)") }
        if json { try JSONReport.print(report) } else { StandardError.print(report.summary) }
        if !outcome.failures.isEmpty { throw ExitCode.someInputsFailed }
    }

    /// Runs `body` with the cache's store, or an in-memory one under `--no-cache`.
    private func withStore<Result: Sendable>(_ body: (any EmbeddingStore) async throws -> Result) async throws -> Result
    {
        noCache ? try await body(InMemoryEmbeddingStore()) : try await storeOptions.withStore(body)
    }

    /// The encoder `--encoder` names.
    private func makeEncoder() throws -> any EmbeddingEncoder {
        do {
            return try EncoderSpecification(parsing: encoder).makeEncoder()
        } catch {
            throw ValidationError(error.message)
        }
    }
}
