extension EmbeddingCache {
    /// Claims the call's keys, looks up the owned ones, encodes the misses, then waits for the keys
    /// other callers own. Owned keys are always landed before waiting, so callers never deadlock.
    func serve(_ run: inout BatchRun) async throws {
        let claims = flights.claim(run.slots.map(\.digest))
        let owned = claims.indices.filter { claims[$0].owned }
        do {
            let misses = try await lookUp(owned, &run)
            try await encode(misses, &run)
        } catch {
            let failure = storeFailure(error)
            for slot in owned where run.outcomes[slot] == nil {
                flights.land(run.slots[slot].digest, .failure(failure))
            }
            throw failure
        }
        for slot in claims.indices where !claims[slot].owned {
            run.resolve(slot, await claims[slot].flight.wait())
        }
    }

    /// Looks the owned slots up in one round trip and lands every verified hit.
    ///
    /// - Returns: The slots to encode: absent, or stored with a checksum that does not match.
    private func lookUp(_ owned: [Int], _ run: inout BatchRun) async throws -> [Int] {
        guard !owned.isEmpty else { return [] }
        let clock = ContinuousClock()
        let start = clock.now
        let digests = owned.map { run.slots[$0].digest }
        let found = try await store.records(for: digests, in: namespace)
        guard found.count == digests.count else {
            throw EmbeddingCacheError(
                .storeFailed,
                "the store answered \(found.count) of \(digests.count) lookups",
                namespace: namespace
            )
        }
        var misses = [Int]()
        for (slot, stored) in zip(owned, found) {
            guard let stored else {
                misses.append(slot)
                continue
            }
            guard let record = checksum.open(stored, digest: run.slots[slot].digest) else {
                run.counters.corrupt += 1
                misses.append(slot)
                continue
            }
            let outcome = FlightOutcome.success((record, .store))
            flights.land(run.slots[slot].digest, outcome)
            run.resolve(slot, outcome)
        }
        run.counters.lookupSeconds += (clock.now - start).seconds
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
