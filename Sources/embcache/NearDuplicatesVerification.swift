import EmbeddingCache
import EmbeddingCacheEncoders

/// `near-duplicates --verify`: the embedding of every paired image through the cache (served, or
/// encoded and stored on a miss), and the cosine of each pair's two embeddings.
struct NearDuplicatesVerification {
    /// What verifying did.
    struct Outcome: Sendable {
        /// Per pair, in order: the cosine of its two embeddings, or `nil` when either failed or
        /// they differ in length.
        var cosines: [Double?]
        /// The cache's counters over the paired images.
        var counters: CacheCounters
        /// The paired images whose embedding failed.
        var failures: [EmbedReport.Failure]
        /// The namespace the embeddings live under.
        var namespace: Namespace
    }

    let encoder: EncoderSpecification
    let workerConfiguration: ProcessEncoder.Configuration
    let storeOptions: StoreOptions

    /// Embeds the images of `pairs` (each once) and compares each pair's embeddings.
    ///
    /// - Parameter pairs: The paths of each pair.
    /// - Returns: The cosines, in the order of `pairs`, and the cache's counters.
    /// - Throws: A store error, or a worker that cannot start.
    func verify(_ pairs: [(first: String, second: String)]) async throws -> Outcome {
        var seen = Set<String>()
        let paths = pairs.flatMap { [$0.first, $0.second] }.filter { seen.insert($0).inserted }
        return try await storeOptions.withStore { store in
            try await encoder.withEncoder(configuration: workerConfiguration) { encoder in
                let cache = EmbeddingCache(store: store, encoder: encoder)
                let records = RecordCollector()
                let run = EmbedRun(
                    cache: cache,
                    inputs: paths.map(EmbeddingInput.file),
                    bypassingCache: false,
                    output: records,
                    failFast: false
                )
                let outcome = try await run.run()
                let vectors = Dictionary(uniqueKeysWithValues: zip(paths, records.records.map { $0.map(Self.vector) }))
                let cosines = pairs.map { pair -> Double? in
                    guard let first = vectors[pair.first] ?? nil, let second = vectors[pair.second] ?? nil else {
                        return nil
                    }
                    return Self.cosine(first, second)
                }
                return Outcome(
                    cosines: cosines,
                    counters: outcome.counters,
                    failures: outcome.failures,
                    namespace: cache.namespace
                )
            }
        }
    }

    /// A record's values as one vector: its tensors flattened, in order.
    static func vector(of record: TensorRecord) -> [Float] {
        record.tensors.flatMap { $0.tensor.floatValues() }
    }

    /// The cosine of the angle between `first` and `second`: 0 when either is all zeros, `nil`
    /// when they differ in length.
    static func cosine(_ first: [Float], _ second: [Float]) -> Double? {
        guard first.count == second.count else { return nil }
        var dot = 0.0
        var firstNorm = 0.0
        var secondNorm = 0.0
        for (a, b) in zip(first, second) {
            dot += Double(a) * Double(b)
            firstNorm += Double(a) * Double(a)
            secondNorm += Double(b) * Double(b)
        }
        guard firstNorm > 0, secondNorm > 0 else { return 0 }
        return dot / (firstNorm.squareRoot() * secondNorm.squareRoot())
    }
}

/// Keeps every input's record in memory, in input order: the output of a verification run.
private final class RecordCollector: EmbeddingOutput {
    /// One per input: its record, or `nil` when it failed.
    private(set) var records: [TensorRecord?] = []

    func append(_ record: TensorRecord?) { records.append(record) }
    func finish() {}
    func discard() {}
}
