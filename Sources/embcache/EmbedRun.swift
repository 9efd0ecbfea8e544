import EmbeddingCache

/// Embeds a list of files through a cache in chunks, so memory stays bounded on huge folders,
/// writing each chunk's rows to the output as it completes.
struct EmbedRun {
    /// Inputs per `results(for:)` call.
    static let chunkSize = 4096

    let cache: EmbeddingCache
    let files: [String]
    let bypassingCache: Bool
    let output: (any EmbeddingOutput)?

    /// What the run did.
    struct Outcome {
        var counters = CacheCounters()
        var failures: [EmbedReport.Failure] = []
        var seconds = 0.0
    }

    /// Runs every chunk and completes the output.
    ///
    /// - Throws: The store's or the output's error; the partial output file is then deleted.
    func run() async throws -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        let progress = ProgressBar(total: files.count)
        defer { progress.finish() }
        var outcome = Outcome()
        do {
            for chunkStart in stride(from: 0, to: files.count, by: Self.chunkSize) {
                let chunk = files[chunkStart..<min(chunkStart + Self.chunkSize, files.count)]
                let result = try await cache.results(
                    for: chunk.map(EmbeddingInput.file),
                    bypassingCache: bypassingCache,
                    progress: { progress.update(chunkStart + $0) }
                )
                outcome.counters.add(result.counters)
                for (path, result) in zip(chunk, result.results) {
                    switch result {
                    case .success(let record):
                        try output?.append(record)
                    case .failure(let error):
                        outcome.failures.append(.init(path: path, reason: error.message))
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

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
