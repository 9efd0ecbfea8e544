import EmbeddingCache

/// Embeds a list of inputs through a cache in chunks, so memory stays bounded on huge folders,
/// writing each chunk's rows to the output as it completes.
struct EmbedRun {
    /// Inputs per `results(for:)` call.
    static let chunkSize = 4096

    let cache: EmbeddingCache
    let inputs: [EmbeddingInput]
    let bypassingCache: Bool
    let output: (any EmbeddingOutput)?
    /// Stop at the first failed input (`--fail-fast`): chunks are then one encoder batch long.
    let failFast: Bool

    /// What the run did.
    struct Outcome {
        var counters = CacheCounters()
        var failures: [EmbedReport.Failure] = []
        var seconds = 0.0
    }

    /// Runs every chunk and completes the output.
    ///
    /// - Throws: The store's or the output's error, or under `failFast` the first input's failure;
    ///   the partial output file is then deleted.
    func run() async throws -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        let progress = ProgressBar(total: inputs.count)
        defer { progress.finish() }
        var outcome = Outcome()
        let chunkSize = failFast ? cache.configuration.batchSize ?? cache.encoder.preferredBatchSize : Self.chunkSize
        do {
            for chunkStart in stride(from: 0, to: inputs.count, by: chunkSize) {
                let chunk = inputs[chunkStart..<min(chunkStart + chunkSize, inputs.count)]
                let result = try await cache.results(
                    for: Array(chunk),
                    bypassingCache: bypassingCache,
                    progress: { progress.update(chunkStart + $0) }
                )
                outcome.counters.add(result.counters)
                for (input, result) in zip(chunk, result.results) {
                    switch result {
                    case .success(let record):
                        try output?.append(record)
                    case .failure(let error) where failFast:
                        throw EmbeddingCacheError(
                            error.code,
                            "stopped at the first failed input (--fail-fast): \(input.label): \(error.message)",
                            input: input.label
                        )
                    case .failure(let error):
                        outcome.failures.append(.init(path: input.label, reason: error.message))
                        try output?.append(nil)
                    }
                }
            }
            try output?.finish()
        } catch {
            output?.discard()
            throw error
        }
        outcome.seconds = (clock.now - start).seconds
        return outcome
    }
}
