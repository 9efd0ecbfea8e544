extension EmbeddingCache {
    /// The number of inputs digested before their keys are looked up, while the next chunk digests.
    static let lookupChunk = 128

    /// What one lookup round trip found, verified.
    struct LookupBatch: Sendable {
        let slots: [Int]
        /// Per slot: the verified record, or `nil` for a miss.
        let records: [TensorRecord?]
        let corrupt: Int
        let seconds: Double
    }

    /// Digests the inputs chunk by chunk, claiming each chunk's new keys and looking the owned ones
    /// up in one round trip per chunk while the next chunk digests; then encodes the misses and
    /// waits for the keys other callers own. Owned keys are always landed before waiting, so
    /// callers never deadlock.
    func serve(_ run: inout BatchRun) async throws {
        var owned = [Int]()
        var awaited = [(slot: Int, flight: Flight)]()
        do {
            let misses = try await withThrowingTaskGroup(of: LookupBatch.self) { group in
                for start in stride(from: 0, to: run.inputs.count, by: Self.lookupChunk) {
                    let range = start..<min(start + Self.lookupChunk, run.inputs.count)
                    let newSlots = await run.load(range, workers: configuration.digestConcurrency, digesting: true)
                    let claims = flights.claim(newSlots.map { run.slots[$0].digest })
                    var mine = [Int]()
                    for (slot, claim) in zip(newSlots, claims) {
                        if claim.owned { mine.append(slot) } else { awaited.append((slot, claim.flight)) }
                    }
                    owned += mine
                    if !mine.isEmpty {
                        let digests = mine.map { run.slots[$0].digest }
                        group.addTask { try await self.lookUp(mine, digests) }
                    }
                }
                var misses = [Int]()
                for try await batch in group { misses += apply(batch, &run) }
                return misses.sorted()
            }
            try await encode(misses, &run)
        } catch {
            let failure = storeFailure(error)
            for slot in owned where run.outcomes[slot] == nil {
                flights.land(run.slots[slot].digest, .failure(failure))
            }
            throw failure
        }
        for (slot, flight) in awaited {
            run.resolve(slot, await flight.wait())
        }
    }

    /// Looks owned keys up in one round trip, verifies every record found and lands the hits.
    private func lookUp(_ slots: [Int], _ digests: [ContentDigest]) async throws -> LookupBatch {
        let clock = ContinuousClock()
        let start = clock.now
        let found = try await store.records(for: digests, in: namespace)
        guard found.count == digests.count else {
            throw EmbeddingCacheError(
                .storeFailed,
                "the store answered \(found.count) of \(digests.count) lookups",
                namespace: namespace
            )
        }
        var corrupt = 0
        let records = zip(digests, found).map { digest, stored -> TensorRecord? in
            guard let stored else { return nil }
            guard let record = checksum.open(stored, digest: digest) else {
                corrupt += 1
                return nil
            }
            flights.land(digest, .success((record, .store)))
            return record
        }
        return LookupBatch(slots: slots, records: records, corrupt: corrupt, seconds: (clock.now - start).seconds)
    }

    /// Records a lookup's hits in the run.
    ///
    /// - Returns: The slots to encode: absent, or stored with a checksum that does not match.
    private func apply(_ batch: LookupBatch, _ run: inout BatchRun) -> [Int] {
        run.counters.lookupSeconds += batch.seconds
        run.counters.corrupt += batch.corrupt
        var misses = [Int]()
        for (slot, record) in zip(batch.slots, batch.records) {
            if let record { run.resolve(slot, .success((record, .store))) } else { misses.append(slot) }
        }
        return misses
    }

    /// Wraps anything thrown by a store as an ``EmbeddingCacheError`` naming the namespace.
    func storeFailure(_ error: any Error) -> EmbeddingCacheError {
        if var error = error as? EmbeddingCacheError {
            if error.namespace == nil { error.namespace = namespace.description }
            return error
        }
        if error is CancellationError {
            return EmbeddingCacheError(.storeFailed, "the call was cancelled", namespace: namespace, underlying: error)
        }
        return EmbeddingCacheError(.storeFailed, "the store failed", namespace: namespace, underlying: error)
    }
}
