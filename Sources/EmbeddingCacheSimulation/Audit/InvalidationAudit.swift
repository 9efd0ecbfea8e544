public import EmbeddingCache
import FoundationEssentials

/// The study's invalidation audit, run on embcache: after each change to the model, the
/// preprocessing, the files or a stored record, does the cache hit, miss, and serve the right
/// vector? Each ``AuditRow`` sets what a correct cache must do beside what embcache did.
///
/// ```swift
/// let audit = InvalidationAudit(encoder: encoder)
/// let result = try await audit.run(sources: WorkloadSource.spread(corpus.sources(), count: 64), scratch: folder, stores: stores)
/// #expect(result.rows.allSatisfy(\.passed))
/// ```
public struct InvalidationAudit: Sendable {
    /// The encoder audited.
    public let encoder: any EmbeddingEncoder

    /// Prepares an audit.
    ///
    /// - Parameter encoder: The encoder; every change is made around it.
    public init(encoder: any EmbeddingEncoder) { self.encoder = encoder }

    /// Caches every source, then makes each change of ``AuditScenario`` in turn and looks every
    /// input up again.
    ///
    /// - Parameters:
    ///   - sources: The files (images, for the in-place edit).
    ///   - scratch: A folder for the working copy of the files.
    ///   - stores: Where the audit's store (`audit.sqlite`) is created.
    /// - Returns: One row per scenario, in ``AuditScenario`` order.
    /// - Throws: ``EmbeddingCacheError`` naming the file or store that failed.
    public func run(sources: [WorkloadSource], scratch: String, stores: ScratchStores) async throws -> AuditResult {
        let store = try stores.makeStore(named: "audit")
        let files = try await WorkloadFolder.create(from: sources, in: scratch + "/files", churn: .init())
        var paths = files.items.map(\.path)
        let cache = EmbeddingCache(store: store, encoder: encoder)
        _ = try await cache.results(for: paths.map(EmbeddingInput.file))
        let count = paths.count
        var rows: [AuditRow] = []
        func look(
            _ cache: EmbeddingCache,
            _ paths: [String],
            _ scenario: AuditScenario,
            _ expected: (Int, Int, Int)
        )
            async throws
        {
            rows.append(try await Self.row(scenario, cache, paths, expected: expected))
        }
        try await look(cache, paths, .unchanged, (count, 0, 0))
        let model = Namespace(
            model: encoder.namespace.model + "+upgraded",
            preprocessing: encoder.namespace.preprocessing
        )
        try await look(
            Self.cache(store, RenamedEncoder(base: encoder, namespace: model)),
            paths,
            .modelChange,
            (0, count, 0)
        )
        let preprocessing = Namespace(
            model: encoder.namespace.model,
            preprocessing: encoder.namespace.preprocessing + "+resize336"
        )
        try await look(
            Self.cache(store, RenamedEncoder(base: encoder, namespace: preprocessing)),
            paths,
            .preprocessingChange,
            (0, count, 0)
        )
        try await look(cache, try Self.flipOneByte(of: paths, into: scratch + "/flipped"), .byteFlipped, (0, count, 0))
        paths = try paths.map { path throws(EmbeddingCacheError) in
            let renamed = path + ".renamed"
            try SimulationFiles.move(path, to: renamed)
            return renamed
        }
        try await look(cache, paths, .rename, (count, 0, 0))
        for (index, path) in paths.enumerated() {
            let bytes = try EmbeddingInput.file(path).load().bytes
            try SimulationFiles.write(try ImageChurn.edited(bytes, label: path, seed: UInt64(index)), to: path)
        }
        try await look(cache, paths, .inPlaceEdit, (0, count, 0))
        if let first = paths.first {
            try await Self.tamper(with: first, in: store, namespace: cache.namespace)
            try await look(cache, paths, .tamperedRecord, (count - 1, 1, 1))
        }
        return AuditResult(namespace: encoder.namespace.description, rows: rows)
    }

    private static func cache(_ store: any EmbeddingStore, _ encoder: any EmbeddingEncoder) -> EmbeddingCache {
        EmbeddingCache(store: store, encoder: encoder)
    }

    /// Looks `paths` up and compares every served vector with a fresh encode.
    private static func row(
        _ scenario: AuditScenario,
        _ cache: EmbeddingCache,
        _ paths: [String],
        expected: (hits: Int, encoded: Int, corrupt: Int)
    ) async throws -> AuditRow {
        let inputs = paths.map(EmbeddingInput.file)
        let batch = try await cache.results(for: inputs)
        let fresh = try await FreshEncoding.records(for: inputs, encoder: cache.encoder)
        let wrong = zip(batch.results, fresh).count { served, fresh in
            guard case .success(let record) = served, let fresh else { return false }
            return record != fresh
        }
        return AuditRow(
            scenario: scenario,
            inputs: inputs.count,
            expectedHits: expected.hits,
            hits: batch.counters.hits,
            expectedEncoded: expected.encoded,
            encoded: batch.counters.encoded,
            expectedCorrupt: expected.corrupt,
            corrupt: batch.counters.corrupt,
            wrongVectors: wrong
        )
    }

    /// Copies of `paths` in `folder`, each with its middle byte's lowest bit flipped.
    private static func flipOneByte(of paths: [String], into folder: String) throws(EmbeddingCacheError) -> [String] {
        try paths.enumerated().map { (index, path) throws(EmbeddingCacheError) in
            var bytes = try EmbeddingInput.file(path).load().bytes
            if !bytes.isEmpty { bytes[bytes.startIndex + bytes.count / 2] ^= 0x01 }
            let copy = folder + "/\(index)-" + (path.split(separator: "/").last.map(String.init) ?? "")
            try SimulationFiles.write(bytes, to: copy)
            return copy
        }
    }

    /// Overwrites the record stored for the file at `path` with zeros of the same shapes, keeping
    /// its checksum: the study's tampering test.
    private static func tamper(with path: String, in store: any EmbeddingStore, namespace: Namespace) async throws {
        let digest = try ContentDigest(ofFileAt: path)
        guard let stored = try await store.records(for: [digest], in: namespace).first ?? nil else {
            throw EmbeddingCacheError(.invalidInput, "'\(path)' is not cached; nothing to tamper with", input: path)
        }
        let record = try RecordCodec.decode(stored.payload)
        let zeros = try TensorRecord(
            record.tensors.map {
                (
                    $0.name,
                    try Tensor(dtype: $0.tensor.dtype, shape: $0.tensor.shape, data: Data(count: $0.tensor.data.count))
                )
            }
        )
        let tampered = StoredRecord(payload: RecordCodec.encode(zeros), checksum: stored.checksum)
        try await store.put([StoreEntry(digest: digest, record: tampered)], in: namespace)
    }
}
