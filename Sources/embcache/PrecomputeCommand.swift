import ArgumentParser
import EmbeddingCache
import EmbeddingCacheDatasets

/// `embcache precompute`: caches every field of every sample of a dataset, as a training plan says.
struct PrecomputeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "precompute",
        abstract: "Cache every field of every sample of a dataset manifest, as a plan says.",
        discussion: """
            Each line of the manifest (JSON Lines) is one sample: an object with a string "id" and \
            values such as "image": "a.png", "controls": ["c1.png", "c2.png"], "prompt": "a red chair"; \
            paths are relative to the manifest's folder. The plan (JSON, docs/cli.md) names the \
            encoders and the fields: each field's tensor names, its encoder and the inputs it is keyed \
            by. Every encoder gets its own cache over the one store, and the encoders run at the same \
            time. A re-run after an interruption serves what was stored as hits.

            With --check nothing is encoded: hits are the cached fields, misses the absent ones, and \
            the report says how many samples are complete.

            Exit codes: 0 success (with --check: every sample complete); 1 the run failed (an \
            unreadable or malformed manifest or plan, a store error, a worker that cannot start); 2 \
            usage error; 3 some fields failed (named on stderr and in --json) or, with --check, some \
            samples are incomplete.

            Example:
              embcache precompute --manifest train.jsonl --plan plan.json
              embcache precompute --manifest train.jsonl --plan plan.json --check --json
            """
    )

    @Option(help: ArgumentHelp("The dataset: one JSON object per line, with an \"id\".", valueName: "file.jsonl"))
    var manifest: String

    @Option(help: ArgumentHelp("The plan: encoders and fields (JSON; see docs/cli.md).", valueName: "file"))
    var plan: String

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var workerOptions: WorkerOptions

    @OptionGroup var encodingOptions: EncodingOptions

    @Flag(help: "Only report how many samples and fields are cached; encode nothing.")
    var check = false

    @Flag(help: "Print one JSON object with the per-field counts on stdout.")
    var json = false

    @OptionGroup var progressOptions: ProgressOptions

    func run() async throws {
        let plan = try PrecomputePlan(path: plan)
        let manifest = try Manifest(path: manifest)
        let location = storeOptions.displayName
        let report = try await storeOptions.withStore { store in
            try await PlanCaches.with(
                plan,
                store: store,
                worker: workerOptions.configuration(for: plan),
                adjusting: encodingOptions.apply
            ) { caches in
                let run = PrecomputeRun(
                    plan: plan,
                    manifest: manifest,
                    caches: caches,
                    check: check,
                    failFast: encodingOptions.failFast
                )
                return try await ProgressBar.showing(total: run.totalSteps, unit: "steps", progressOptions) {
                    try await run.run(store: location, progress: $0.update)
                }
            }
        }
        for failure in report.failures {
            StandardError.print("embcache: failed: sample \(failure.sample) field \(failure.field): \(failure.reason)")
        }
        if json { try JSONReport.print(report) } else { progressOptions.summary(report.table) }
        if report.failed > 0 || (check && report.completeSamples < report.samples) { throw ExitCode.someInputsFailed }
    }
}
