public import EmbeddingCache

/// Embeds inputs through a cache in chunks, so memory stays bounded on huge folders, writing each
/// chunk's rows to the output as it completes. Inputs are a list, or chunks streamed as they are
/// read (``StreamedInputs``), so the first batch is encoded before the stream ends.
///
/// ```swift
/// let run = EmbedRun(cache: cache, inputs: .all(try InputExpansion.inputs(for: ["photos/"])))
/// let outcome = try await run.run()
/// print(outcome.counters.hits, outcome.failures.count)
/// ```
public struct EmbedRun {
    /// Inputs per `results(for:)` call.
    public static let chunkSize = 4096

    /// The cache to embed through.
    public let cache: EmbeddingCache
    /// Where the inputs come from, in output-row order.
    public let inputs: Inputs
    /// Encode everything without reading or writing the store (a baseline).
    public let bypassingCache: Bool
    /// Where the rows go, if anywhere.
    public let output: (any EmbeddingOutput)?
    /// Which input each output row holds (`FILE.ids.jsonl`), if written.
    public let rowMap: RowMapOutput?
    /// Stop at the first failed input (`--fail-fast`): chunks are then one encoder batch long.
    public let failFast: Bool

    /// Prepares a run.
    ///
    /// - Parameters:
    ///   - cache: The cache to embed through.
    ///   - inputs: The inputs, in output-row order: a list, or chunks streamed as they are read.
    ///   - bypassingCache: Encode everything without reading or writing the store.
    ///   - output: Where the rows go, if anywhere.
    ///   - rowMap: Which input each row holds, if written.
    ///   - failFast: Stop at the first failed input.
    public init(
        cache: EmbeddingCache,
        inputs: Inputs,
        bypassingCache: Bool = false,
        output: (any EmbeddingOutput)? = nil,
        rowMap: RowMapOutput? = nil,
        failFast: Bool = false
    ) {
        self.cache = cache
        self.inputs = inputs
        self.bypassingCache = bypassingCache
        self.output = output
        self.rowMap = rowMap
        self.failFast = failFast
    }

    /// An input that failed, with the reason (never its bytes).
    public struct Failure: Encodable, Sendable {
        /// The input's label: its path, or its line.
        public var path: String
        /// Why, for people.
        public var reason: String

        /// Describes a failed input.
        ///
        /// - Parameters:
        ///   - path: The input's label.
        ///   - reason: Why, for people.
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    /// What the run did.
    public struct Outcome: Sendable {
        /// The cache's counters over every chunk.
        public var counters = CacheCounters()
        /// The inputs that failed, in input order.
        public var failures: [Failure] = []
        /// Wall-clock seconds of the run.
        public var seconds = 0.0
    }

    /// Where a run's inputs come from.
    public enum Inputs: Sendable {
        /// A list known in full.
        case all([EmbeddingInput])
        /// Chunks handed on as they are read (``StreamedInputs``); their total is known at the end.
        case streamed(AsyncThrowingStream<[EmbeddingInput], any Error>)

        /// How many inputs there are, when known before the run.
        public var count: Int? {
            if case .all(let inputs) = self { inputs.count } else { nil }
        }
    }

    /// Runs every chunk and completes the output.
    ///
    /// - Parameter progress: Called with the inputs finished so far, with their hits and misses.
    /// - Returns: The counters, the failures and the time taken.
    /// - Throws: The store's or the output's error, or under `failFast` the first input's failure;
    ///   the partial output file is then deleted.
    public func run(progress: @escaping @Sendable (CallProgress) -> Void = { _ in }) async throws -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        var outcome = Outcome()
        do {
            for try await chunk in chunks() {
                try await embed(chunk, finishedBefore: outcome.counters.inputs, into: &outcome, progress: progress)
            }
            try output?.finish()
            try rowMap?.finish()
        } catch {
            output?.discard()
            rowMap?.discard()
            throw error
        }
        outcome.seconds = (clock.now - start).seconds
        return outcome
    }

    /// The inputs in chunks of ``chunkSize``, or of one encoder batch under `failFast`; streamed
    /// chunks as they come.
    private func chunks() -> AsyncThrowingStream<[EmbeddingInput], any Error> {
        switch inputs {
        case .streamed(let chunks):
            return chunks
        case .all(let inputs):
            let size = failFast ? cache.configuration.batchSize(for: cache.encoder) : Self.chunkSize
            return AsyncThrowingStream { continuation in
                for start in stride(from: 0, to: inputs.count, by: size) {
                    continuation.yield(Array(inputs[start..<min(start + size, inputs.count)]))
                }
                continuation.finish()
            }
        }
    }

    /// Embeds one chunk and writes its rows.
    ///
    /// - Parameters:
    ///   - chunk: The inputs.
    ///   - finishedBefore: Inputs finished in earlier chunks.
    ///   - outcome: The run's outcome, updated.
    ///   - progress: Called with the inputs finished so far, with their hits and misses.
    /// - Throws: The store's or the output's error, or under `failFast` the first input's failure.
    private func embed(
        _ chunk: [EmbeddingInput],
        finishedBefore: Int,
        into outcome: inout Outcome,
        progress: @escaping @Sendable (CallProgress) -> Void
    ) async throws {
        let result = try await cache.results(
            for: chunk,
            bypassingCache: bypassingCache,
            progress: { [before = outcome.counters] in
                progress(CallProgress(finished: finishedBefore, hits: before.hits, misses: before.misses) + $0)
            }
        )
        outcome.counters.add(result.counters)
        for (offset, (input, served)) in zip(chunk, result.results).enumerated() {
            try rowMap?.append(id: input.label, digest: result.digests[offset], hit: result.hits[offset])
            switch served {
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
}
