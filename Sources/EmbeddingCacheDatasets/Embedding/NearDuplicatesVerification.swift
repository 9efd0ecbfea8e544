public import EmbeddingCache
public import EmbeddingCacheEncoders

/// Checks near-duplicate pairs by their embeddings: the embedding of every paired image through
/// the cache (served, or encoded and stored on a miss), and the cosine of each pair's two.
///
/// ```swift
/// let verification = NearDuplicatesVerification(encoder: try EncoderSpecification(parsing: "builtin:bytes"))
/// let outcome = try await verification.verify([("a.png", "b.png")], store: store)
/// print(outcome.cosines)
/// ```
public struct NearDuplicatesVerification: Sendable {
    /// What verifying did.
    public struct Outcome: Sendable {
        /// Per pair, in order: the cosine of its two embeddings, or `nil` when either failed or
        /// they differ in length.
        public var cosines: [Double?]
        /// The cache's counters over the paired images.
        public var counters: CacheCounters
        /// The paired images whose embedding failed.
        public var failures: [EmbedRun.Failure]
        /// The namespace the embeddings live under.
        public var namespace: Namespace
    }

    /// The encoder whose embeddings are compared.
    public let encoder: EncoderSpecification
    /// The settings of a `process:` worker.
    public let workerConfiguration: ProcessEncoder.Configuration

    /// Prepares a verification.
    ///
    /// - Parameters:
    ///   - encoder: The encoder whose embeddings are compared.
    ///   - workerConfiguration: The settings of a `process:` worker.
    public init(encoder: EncoderSpecification, workerConfiguration: ProcessEncoder.Configuration = .init()) {
        self.encoder = encoder
        self.workerConfiguration = workerConfiguration
    }

    /// The images of `pairs`, each once, in order of first appearance: what ``verify(_:store:progress:)``
    /// embeds.
    ///
    /// - Parameter pairs: The paths of each pair.
    /// - Returns: The distinct paths.
    public static func images(in pairs: [(first: String, second: String)]) -> [String] {
        var seen = Set<String>()
        return pairs.flatMap { [$0.first, $0.second] }.filter { seen.insert($0).inserted }
    }

    /// Embeds the images of `pairs` (each once) and compares each pair's embeddings.
    ///
    /// - Parameters:
    ///   - pairs: The paths of each pair.
    ///   - store: The cache's store.
    ///   - progress: Called with the number of images embedded so far, out of ``images(in:)``'s.
    /// - Returns: The cosines, in the order of `pairs`, and the cache's counters.
    /// - Throws: A store error, or a worker that cannot start.
    public func verify(
        _ pairs: [(first: String, second: String)],
        store: any EmbeddingStore,
        progress: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> Outcome {
        let paths = Self.images(in: pairs)
        return try await encoder.withEncoder(configuration: workerConfiguration) { encoder in
            let cache = EmbeddingCache(store: store, encoder: encoder)
            let records = RecordCollector()
            let run = EmbedRun(cache: cache, inputs: .all(paths.map(EmbeddingInput.file)), output: records)
            let outcome = try await run.run { progress($0.finished) }
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

    /// A record's values as one vector: its tensors flattened, in order.
    ///
    /// - Parameter record: The record.
    /// - Returns: Every value of every tensor, as `Float`.
    public static func vector(of record: TensorRecord) -> [Float] {
        record.tensors.flatMap { $0.tensor.floatValues() }
    }

    /// The cosine of the angle between `first` and `second`: 0 when either is all zeros, `nil`
    /// when they differ in length.
    ///
    /// - Parameters:
    ///   - first: A vector.
    ///   - second: Another vector.
    /// - Returns: The cosine, accumulated in `Double`.
    public static func cosine(_ first: [Float], _ second: [Float]) -> Double? {
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
