import ArgumentParser
import EmbeddingCacheEncoders

/// `--worker-timeout`, shared by every command that may start a `process:` worker.
struct WorkerOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Seconds a process: worker may take for its handshake or one batch before it is killed.",
            valueName: "seconds"
        )
    )
    var workerTimeout: Double = 300

    /// The worker settings these options choose.
    var configuration: ProcessEncoder.Configuration {
        var configuration = ProcessEncoder.Configuration()
        configuration.timeout = .milliseconds(Int64(workerTimeout * 1000))
        return configuration
    }

    func validate() throws {
        guard workerTimeout > 0, workerTimeout <= 1_000_000 else {
            throw ValidationError("--worker-timeout must be a number of seconds above 0")
        }
    }
}
