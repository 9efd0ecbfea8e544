import EmbeddingCache

/// One field of a plan over a run of samples: each sample's record, looked up or computed.
struct FieldChunk {
    /// Per sample, in order: its record, `nil` when it is not cached (lookup only), or why it failed.
    var records: [Result<TensorRecord?, EmbeddingCacheError>]
    /// Samples served from the store.
    var hits = 0
    /// Samples not in the store: encoded when computing, left absent otherwise.
    var misses = 0
    /// Samples that failed: no usable input, unreadable, or rejected by the encoder.
    var failed = 0

    /// Fetches `field` for `samples` through `cache`.
    ///
    /// - Parameters:
    ///   - field: The plan's field.
    ///   - samples: The run of samples.
    ///   - manifest: Their manifest, which resolves relative paths.
    ///   - cache: The cache of the field's encoder.
    ///   - computing: Encode and store what is missing (get-or-compute); otherwise only look up.
    ///   - progress: Called with the number of samples finished so far in this chunk.
    /// - Throws: ``EmbeddingCacheError`` when the store fails.
    init(
        _ field: PrecomputePlan.Field,
        of samples: ArraySlice<Manifest.Sample>,
        in manifest: Manifest,
        cache: EmbeddingCache,
        computing: Bool,
        progress: @escaping @Sendable (Int) -> Void
    ) async throws {
        let resolved = samples.map { field.input(for: $0, in: manifest) }
        let usable = resolved.enumerated().compactMap { index, input in (try? input.get()).map { (index, $0) } }
        let inputs = usable.map(\.1)
        records = resolved.map { $0.map { _ in nil } }
        failed = resolved.count - usable.count
        if computing {
            let result = try await cache.results(
                for: inputs,
                progress: { progress(resolved.count - usable.count + $0.finished) }
            )
            for ((index, _), outcome) in zip(usable, result.results) {
                records[index] = outcome.mapError { Self.named($0, field, samples[samples.startIndex + index]) }.map {
                    $0
                }
            }
            hits = result.counters.hits
            misses = result.counters.misses
            failed += result.counters.failed
        } else {
            let found = try await cache.cachedRecords(for: inputs)
            for ((index, _), record) in zip(usable, found) { records[index] = .success(record) }
            hits = found.count { $0 != nil }
            misses = found.count - hits
            progress(resolved.count)
        }
    }

    /// The error of a failed sample, its message naming the sample and field.
    private static func named(
        _ error: EmbeddingCacheError,
        _ field: PrecomputePlan.Field,
        _ sample: Manifest.Sample
    ) -> EmbeddingCacheError {
        var named = error
        named.message = "sample \(sample.id) field \(field.label): \(error.message)"
        return named
    }
}
