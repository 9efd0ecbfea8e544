import EmbeddingCache

/// What a fresh encode of every input gives now: the reference every served vector is checked
/// against. It is not counted as any strategy's encoder work.
enum FreshEncoding {
    /// Encodes every input, in the encoder's batch size.
    ///
    /// - Returns: Per input, its record, or `nil` when it cannot be read or the encoder rejects it
    ///   (such an input is not checked).
    /// - Throws: What the encoder throws for a whole batch.
    static func records(for inputs: [EmbeddingInput], encoder: any EmbeddingEncoder) async throws -> [TensorRecord?] {
        var records: [TensorRecord?] = []
        records.reserveCapacity(inputs.count)
        let batchSize = max(1, encoder.preferredBatchSize)
        for start in stride(from: 0, to: inputs.count, by: batchSize) {
            var loaded: [(index: Int, input: EncoderInput)] = []
            var batch = [TensorRecord?](repeating: nil, count: min(batchSize, inputs.count - start))
            for index in start..<(start + batch.count) {
                if let input = try? inputs[index].load() { loaded.append((index - start, input)) }
            }
            let encoded = loaded.isEmpty ? [] : try await encoder.encode(loaded.map(\.input))
            for (item, result) in zip(loaded, encoded) { batch[item.index] = try? result.get() }
            records += batch
        }
        return records
    }
}
