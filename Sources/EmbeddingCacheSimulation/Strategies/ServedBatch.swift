import EmbeddingCache

/// What one strategy served for one cycle's inputs, before its vectors are checked.
struct ServedBatch: Sendable {
    /// One result per input, in input order.
    var results: [Result<TensorRecord, EmbeddingCacheError>]
    /// Inputs served from the strategy's store.
    var hits = 0
    /// Inputs encoded (or sharing an encode within the batch).
    var misses = 0
    /// Seconds spent computing keys (reading and hashing files, decoding for perceptual hashes).
    var digestSeconds = 0.0
    /// Seconds spent looking keys up in the store.
    var lookupSeconds = 0.0
}

/// One strategy's cache during a simulation.
protocol SimulatedCache: Sendable {
    /// Serves every input: from the cache where the strategy finds a key, else from the encoder.
    ///
    /// - Parameters:
    ///   - inputs: The cycle's inputs.
    ///   - progress: Called with the number of inputs finished so far.
    /// - Returns: The results and counts.
    /// - Throws: ``EmbeddingCacheError`` when the store fails.
    func serve(_ inputs: [EmbeddingInput], progress: @escaping @Sendable (Int) -> Void) async throws -> ServedBatch
}
