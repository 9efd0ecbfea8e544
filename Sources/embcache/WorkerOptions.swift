import ArgumentParser
import EmbeddingCache
import EmbeddingCacheDatasets
import EmbeddingCacheEncoders

/// `--worker-timeout` and `--workers`, shared by every command that may start a `process:` worker.
struct WorkerOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Seconds a process: worker may take for its handshake or one batch before it is killed.",
            valueName: "seconds"
        )
    )
    var workerTimeout: Double = 300

    @Option(
        help: ArgumentHelp(
            """
            How many copies of a process: worker may run, each encoding one batch at a time (default 1; \
            precompute and export: the plan's "workers", else 1). Copies after the first start only when \
            batches overlap.
            """,
            valueName: "n"
        )
    )
    var workers: Int?

    @Flag(
        help: """
            Start a process: worker when the run starts, even one whose handshake is remembered \
            (by default such a worker starts only at the first input not cached).
            """
    )
    var alwaysStartWorker = false

    /// The most workers one encoder may run.
    static let maximumWorkers = PrecomputePlan.maximumWorkers

    /// The worker settings these options choose.
    var configuration: ProcessEncoder.Configuration { configuration(statMemo: nil) }

    /// The worker settings these options choose, checking a remembered handshake's files through
    /// `statMemo` when given (`--trust-stat`).
    func configuration(statMemo: StatMemo?) -> ProcessEncoder.Configuration {
        var configuration = ProcessEncoder.Configuration()
        configuration.timeout = .milliseconds(Int64(workerTimeout * 1000))
        configuration.workers = workers ?? 1
        if !alwaysStartWorker {
            configuration.handshakes = WorkerHandshakeMemo(
                path: StoreLocation.localFile("worker-handshakes"),
                statMemo: statMemo
            )
        }
        return configuration
    }

    /// The worker settings for a plan's encoders: `--workers`, else the plan's `workers`, else 1.
    func configuration(for plan: PrecomputePlan) -> ProcessEncoder.Configuration {
        var configuration = configuration
        configuration.workers = workers ?? plan.workers ?? 1
        return configuration
    }

    func validate() throws {
        guard workerTimeout > 0, workerTimeout <= 1_000_000 else {
            throw ValidationError("--worker-timeout must be a number of seconds above 0")
        }
        if let workers, !(1...Self.maximumWorkers).contains(workers) {
            throw ValidationError("--workers must be between 1 and \(Self.maximumWorkers), not \(workers)")
        }
    }
}
