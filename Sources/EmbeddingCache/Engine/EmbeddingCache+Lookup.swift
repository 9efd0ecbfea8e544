extension EmbeddingCache {
    /// Returns the stored record of every input, in input order, without ever encoding.
    ///
    /// It digests every input on every core, looks the keys up and verifies each
    /// record's checksum, exactly as a get-or-compute call does, but sends nothing to the encoder
    /// and writes nothing. Use it to check what a dataset already has, or to read a dataset back
    /// for training when a miss should not start a model.
    ///
    /// ```swift
    /// let sample = EmbeddingInput.composite([.file("c1.png"), .file("c2.png")], label: "s1 controls")
    /// let found = try await cache.cachedRecords(for: [.file("a.png"), sample])
    /// let complete = found.allSatisfy { $0 != nil }
    /// ```
    ///
    /// - Parameter inputs: The inputs.
    /// - Returns: Per input, in order: its verified record, or `nil` when it is absent, its stored
    ///   record is corrupt (never served), or the input cannot be read.
    /// - Throws: ``EmbeddingCacheError`` when the store fails.
    /// - Complexity: Reads and digests every input; looks keys up in one read per 32 keys during
    ///   the digest pass when the store looks up synchronously, else in one store request after it
    ///   (several concurrent ones for a large call).
    public func cachedRecords(for inputs: [EmbeddingInput]) async throws -> [TensorRecord?] {
        guard !inputs.isEmpty else { return [] }
        var run = BatchRun(inputs: inputs, progress: nil, statMemo: configuration.statMemo)
        let (slots, pipelined) = try await lookup.digestAndLookUp(&run)
        if pipelined == nil {
            do {
                _ = try await lookup.lookUp(Array(slots), &run)
            } catch {
                throw EmbeddingCacheError.storeFailure(error, in: namespace)
            }
        }
        return run.slotOfInput.map { slot in
            guard let slot, case .success(let found)? = run.outcomes[slot] else { return nil }
            return found.record
        }
    }
}
