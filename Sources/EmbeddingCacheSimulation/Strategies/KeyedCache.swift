import EmbeddingCache
import FoundationEssentials

/// The study's negative examples: a get-or-compute cache keyed by something other than the
/// content's bytes (the file's path, the image's perceptual hash).
///
/// It works like the study's forty lines, batched: compute every input's key, look the distinct
/// keys up in one round trip, encode one input per missed key, store what was encoded under that
/// key, and serve every input the record stored under its key, whatever its content is now.
/// Records are sealed and verified like embcache's, so only the key is wrong.
struct KeyedCache: SimulatedCache {
    let store: any EmbeddingStore
    let encoder: any EmbeddingEncoder
    /// The key of an input, as a digest (domain-separated from byte digests).
    let key: @Sendable (EmbeddingInput) throws(EmbeddingCacheError) -> ContentDigest

    func serve(_ inputs: [EmbeddingInput], progress: @escaping @Sendable (Int) -> Void) async throws -> ServedBatch {
        let clock = ContinuousClock()
        var served = ServedBatch(results: [])
        var start = clock.now
        let key = key
        let keys = await ConcurrentMap.map(count: inputs.count, workers: ProcessInfo.processInfo.activeProcessorCount) {
            index in Result { () throws(EmbeddingCacheError) in try key(inputs[index]) }
        }
        served.digestSeconds = (clock.now - start).seconds
        var firstInput: [ContentDigest: Int] = [:]
        for (index, result) in keys.enumerated() {
            if case .success(let digest) = result, firstInput[digest] == nil { firstInput[digest] = index }
        }
        let distinct = firstInput.sorted { $0.value < $1.value }.map(\.key)
        start = clock.now
        let stored = try await store.records(for: distinct, in: encoder.namespace)
        served.lookupSeconds = (clock.now - start).seconds
        let checksum = RecordChecksum(namespace: encoder.namespace)
        var records: [ContentDigest: Result<TensorRecord, EmbeddingCacheError>] = [:]
        for (digest, record) in zip(distinct, stored) {
            if let record, let opened = checksum.open(record, digest: digest) { records[digest] = .success(opened) }
        }
        let hitKeys = Set(records.keys)
        let misses = distinct.filter { records[$0] == nil }.map { (digest: $0, input: inputs[firstInput[$0]!]) }
        try await encode(misses, checksum, into: &records)
        served.results = keys.map { $0.flatMap { records[$0]! } }
        for case .success(let digest) in keys {
            if hitKeys.contains(digest) {
                served.hits += 1
            } else if case .success = records[digest] {
                served.misses += 1
            }
        }
        progress(inputs.count)
        return served
    }

    /// Encodes one input per missed key, in the encoder's batch size, storing each batch's records.
    private func encode(
        _ misses: [(digest: ContentDigest, input: EmbeddingInput)],
        _ checksum: RecordChecksum,
        into records: inout [ContentDigest: Result<TensorRecord, EmbeddingCacheError>]
    ) async throws {
        let batchSize = max(1, encoder.preferredBatchSize)
        for start in stride(from: 0, to: misses.count, by: batchSize) {
            var loaded: [(digest: ContentDigest, input: EncoderInput)] = []
            for miss in misses[start..<min(start + batchSize, misses.count)] {
                do throws(EmbeddingCacheError) {
                    loaded.append((miss.digest, try miss.input.load()))
                } catch {
                    records[miss.digest] = .failure(error)
                }
            }
            let encoded = await encodeBatch(loaded.map(\.input))
            var entries: [StoreEntry] = []
            for (item, result) in zip(loaded, encoded) {
                records[item.digest] = result
                if case .success(let record) = result {
                    entries.append(StoreEntry(digest: item.digest, record: checksum.seal(record, digest: item.digest)))
                }
            }
            try await store.put(entries, in: encoder.namespace)
        }
    }

    /// One result per input: the encoder's, or a failure for every input when the batch failed or
    /// came back with the wrong count.
    private func encodeBatch(_ batch: [EncoderInput]) async -> [Result<TensorRecord, EmbeddingCacheError>] {
        guard !batch.isEmpty else { return [] }
        do {
            let results = try await encoder.encode(batch)
            if results.count == batch.count { return results }
            let error = EmbeddingCacheError(
                .invalidEncoderOutput,
                "the encoder returned \(results.count) records for \(batch.count) inputs",
                namespace: encoder.namespace
            )
            return batch.map { Self.failure(error, of: $0) }
        } catch {
            let failure =
                error as? EmbeddingCacheError
                ?? EmbeddingCacheError(.encoderFailed, "the encoder failed the batch", underlying: error)
            return batch.map { Self.failure(failure, of: $0) }
        }
    }

    /// `error` naming `input`.
    private static func failure(
        _ error: EmbeddingCacheError,
        of input: EncoderInput
    ) -> Result<TensorRecord, EmbeddingCacheError> {
        var named = error
        named.input = input.label
        return .failure(named)
    }
}
