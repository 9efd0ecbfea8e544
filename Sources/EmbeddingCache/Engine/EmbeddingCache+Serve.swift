extension EmbeddingCache {
    /// Lookups of more keys than this are split into ``lookupPartsPerCore`` concurrent requests
    /// per core, so the store's work and the checksum verification run on every core.
    static let parallelLookupThreshold = 256

    /// Concurrent lookup requests per core for a large lookup. With more parts than cores, a core
    /// that other work slows down leaves its remaining parts to the others instead of holding up
    /// the call, and each part's records are verified while they are still in the cache. On 800
    /// keys and 2 cores, four per core (parts of 100 keys) took the warm 16 KB cycle from
    /// 1.34–1.37× to 1.29–1.33× of read + SHA-256 in alternating runs on a busy machine, against
    /// 1.32–1.34× for eight.
    static let lookupPartsPerCore = 4

    /// The slots a lookup did not serve, each sorted.
    struct Misses {
        /// Slots with no stored record.
        var absent: [Int] = []
        /// Slots whose stored record failed its checksum.
        var corrupt: [Int] = []

        /// Every slot to encode, sorted.
        var all: [Int] { (absent + corrupt).sorted() }
    }

    /// What one lookup request found, verified.
    struct LookupBatch: Sendable {
        let slots: [Int]
        /// Per slot: the verified record, or `nil` for a miss.
        let records: [TensorRecord?]
        /// The slots whose stored record failed its checksum.
        let corrupt: Set<Int>
        let source: RecordSource
    }

    /// Digests every input, claims the keys, looks the owned ones up, encodes the misses, then
    /// waits for the keys other callers own. Owned keys are always landed before waiting, so
    /// callers never deadlock.
    func serve(_ run: inout BatchRun) async throws {
        let newSlots = await run.load(run.inputs.indices, workers: configuration.digestConcurrency, digesting: true)
        let claims = flights.claim(newSlots.map { run.slots[$0].digest })
        let owned = zip(newSlots, claims).compactMap { slot, claim in
            if case .owned = claim { slot } else { nil }
        }
        do {
            var misses = try await lookUp(owned, &run)
            if let key = configuration.secondaryKey { misses = try await lookUpSecondary(misses, key, &run) }
            if let leasing = store as? any EmbeddingStoreLeasing {
                try await encodeLeased(misses, leasing, &run)
            } else {
                try await encode(misses.all, &run)
            }
        } catch {
            let failure = storeFailure(error)
            for slot in owned where run.outcomes[slot] == nil {
                flights.land(run.slots[slot].digest, .failure(failure))
            }
            throw failure
        }
        for (slot, claim) in zip(newSlots, claims) {
            if case .awaiting(let flight) = claim { run.resolve(slot, await flight.wait()) }
        }
    }

    /// Looks the owned slots up, in one request or, for many keys, several concurrent requests per
    /// core (see ``lookupPartsPerCore``).
    ///
    /// - Parameter source: How records found are counted: `.store` (hits), or `.encoder` for keys
    ///   that missed and were then encoded by another process holding their lease.
    /// - Returns: The slots to encode: absent, or stored with a checksum that does not match.
    func lookUp(_ owned: [Int], _ run: inout BatchRun, source: RecordSource = .store) async throws -> Misses {
        guard !owned.isEmpty else { return Misses() }
        let cores = configuration.digestConcurrency
        let parts = owned.count >= Self.parallelLookupThreshold && cores > 1 ? cores * Self.lookupPartsPerCore : 1
        let size = (owned.count + parts - 1) / parts
        let clock = ContinuousClock()
        let start = clock.now
        let slots = run.slots
        let batches = try await withThrowingTaskGroup(of: LookupBatch.self) { group in
            for first in stride(from: 0, to: owned.count, by: size) {
                let part = Array(owned[first..<min(first + size, owned.count)])
                group.addTask { try await self.lookUp(part, part.map { slots[$0].digest }, source: source) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        var misses = Misses()
        for batch in batches { apply(batch, &run, into: &misses) }
        run.counters.lookupSeconds += (clock.now - start).seconds
        misses.absent.sort()
        misses.corrupt.sort()
        return misses
    }

    /// Looks keys up in one request, verifies every record found and lands the hits.
    func lookUp(_ slots: [Int], _ digests: [ContentDigest], source: RecordSource = .store) async throws -> LookupBatch {
        let found = try await store.records(for: digests, in: namespace)
        guard found.count == digests.count else {
            throw EmbeddingCacheError(
                .storeFailed,
                "the store answered \(found.count) of \(digests.count) lookups",
                namespace: namespace
            )
        }
        var corrupt = Set<Int>()
        let records = zip(slots, zip(digests, found)).map { slot, pair -> TensorRecord? in
            guard let stored = pair.1 else { return nil }
            guard let record = checksum.open(stored, digest: pair.0) else {
                corrupt.insert(slot)
                return nil
            }
            return record
        }
        flights.land(
            zip(digests, records).lazy.compactMap { digest, record in record.map { (digest, .success(($0, source))) } }
        )
        return LookupBatch(slots: slots, records: records, corrupt: corrupt, source: source)
    }

    /// Records a lookup's hits in the run, and its misses in `misses`.
    private func apply(_ batch: LookupBatch, _ run: inout BatchRun, into misses: inout Misses) {
        run.counters.corrupt += batch.corrupt.count
        for (slot, record) in zip(batch.slots, batch.records) {
            if let record {
                run.resolve(slot, .success((record, batch.source)))
            } else if batch.corrupt.contains(slot) {
                misses.corrupt.append(slot)
            } else {
                misses.absent.append(slot)
            }
        }
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
