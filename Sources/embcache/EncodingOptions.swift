import ArgumentParser
import EmbeddingCache

/// `--batch-size`, `--lease-seconds` and `--fail-fast`, shared by every command that encodes
/// misses: `embed`, `precompute` and `export`.
struct EncodingOptions: ParsableArguments {
    @Option(help: "Inputs per encoder call; the encoder's preferred size by default.")
    var batchSize: Int?

    @Option(
        help: ArgumentHelp(
            "How long this process holds inputs it missed before other processes on the same store take them over.",
            valueName: "seconds"
        )
    )
    var leaseSeconds: Double = 60

    @Flag(help: "Stop at the first failed input (exit 1) instead of going on and exiting 3.")
    var failFast = false

    /// The longest `--lease-seconds` accepted, about 11 days: longer leases only strand inputs.
    static let maximumLeaseSeconds: Double = 1_000_000

    func validate() throws {
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if !(leaseSeconds > 0 && leaseSeconds <= Self.maximumLeaseSeconds) {
            throw ValidationError("--lease-seconds must be a number of seconds above 0 and at most 1000000")
        }
    }

    /// Sets the batch size (when given) and the lease duration of a cache's configuration.
    func apply(to configuration: inout EmbeddingCache.Configuration) {
        if let batchSize { configuration.batchSize = batchSize }
        configuration.leaseDuration = .milliseconds(Int64(leaseSeconds * 1000))
    }
}
