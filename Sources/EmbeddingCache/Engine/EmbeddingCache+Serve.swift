extension EmbeddingCache {
    /// Concurrent lookup requests per core for a large lookup (one of at least
    /// ``LookupSplit/threshold`` keys), so the store's work and the checksum verification run on
    /// every core. With more parts than cores, a core
    /// that other work slows down leaves its remaining parts to the others instead of holding up
    /// the call, and each part's records are verified while they are still in the cache. Four per
    /// core measured faster than one or eight (`docs/benchmarks.md`).
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
        /// Per slot: what its key's lookup found.
        let findings: [LookupFinding]
        let source: RecordSource
    }

    /// Digests every input, looks the keys up and serves the hits, claims the keys that missed,
    /// encodes the owned ones, then waits for the keys other callers own. Owned keys are always
    /// landed before waiting, so callers never deadlock.
    func serve(_ run: inout BatchRun) async throws {
        let landings = flights.landings
        let (newSlots, pipelined) = try await digestAndLookUp(&run)
        let pending = newSlots.filter { run.outcomes[$0] == nil }
        let (claims, landingsAtClaim) = flights.claim(pending.map { run.slots[$0].digest })
        let owned = zip(pending, claims).compactMap { slot, claim in
            if case .owned = claim { slot } else { nil }
        }
        do {
            var misses = try await lookUpOwned(owned, pipelined, landedSince: landingsAtClaim != landings, &run)
            if let key = configuration.secondaryKey { misses = try await lookUpSecondary(misses, key, &run) }
            if let leasing = store.leasing {
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
        for (slot, claim) in zip(pending, claims) {
            if case .awaiting(let flight) = claim { run.resolve(slot, await flight.wait()) }
        }
    }

    /// Reads and digests every input and, when the store looks up synchronously, looks the keys up
    /// in the same pass and serves the hits (see ``PipelinedLookup``). Nothing is claimed.
    ///
    /// - Returns: The slots created, and the pipelined lookup's misses; `nil` when the store has no
    ///   synchronous lookup and nothing was looked up.
    /// - Throws: ``EmbeddingCacheError`` when the store fails.
    func digestAndLookUp(_ run: inout BatchRun) async throws -> (slots: Range<Int>, misses: Misses?) {
        let workers = configuration.digestConcurrency
        guard let synchronous = store.synchronousLookup else {
            return (await run.load(run.inputs.indices, workers: workers, digesting: true), nil)
        }
        let namespace = self.namespace
        let found: (slots: Range<Int>, findings: [LookupFinding])
        do {
            found = try await run.loadAndLookUp(workers: workers) { digests in
                try self.findings(digests, try synchronous.recordsSynchronously(for: digests, in: namespace))
            }
        } catch {
            throw storeFailure(error)
        }
        await synchronous.recordPendingUses()
        var misses = Misses()
        apply(zip(found.slots, found.findings), source: .store, &run, into: &misses)
        return (found.slots, misses)
    }

    /// The misses among the owned slots: looked up now or, after a pipelined lookup, taken from
    /// it. Keys it found absent are looked up again when another caller of this cache landed keys
    /// since (it may have stored them after the pipelined lookup missed them).
    private func lookUpOwned(
        _ owned: [Int],
        _ pipelined: Misses?,
        landedSince: Bool,
        _ run: inout BatchRun
    ) async throws -> Misses {
        guard let pipelined else { return try await lookUp(owned, &run) }
        let mine = Set(owned)
        let corrupt = pipelined.corrupt.filter(mine.contains)
        let absent = pipelined.absent.filter(mine.contains)
        guard landedSince else { return Misses(absent: absent, corrupt: corrupt) }
        var again = try await lookUp(absent, &run)
        again.corrupt = (again.corrupt + corrupt).sorted()
        return again
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
        let parts = LookupSplit.parts(count: owned.count, concurrency: cores > 1 ? cores * Self.lookupPartsPerCore : 1)
        let slots = run.slots
        let (batches, seconds) = try await Timings.measure {
            try await withThrowingTaskGroup(of: LookupBatch.self) { group in
                for range in parts {
                    let part = Array(owned[range])
                    group.addTask { try await self.lookUpPart(part, part.map { slots[$0].digest }, source: source) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        var misses = Misses()
        for batch in batches { apply(zip(batch.slots, batch.findings), source: batch.source, &run, into: &misses) }
        run.counters.timings.lookup += seconds
        misses.absent.sort()
        misses.corrupt.sort()
        return misses
    }

    /// Looks keys up in one request, verifies every record found and lands the hits.
    func lookUpPart(
        _ slots: [Int],
        _ digests: [ContentDigest],
        source: RecordSource = .store
    ) async throws -> LookupBatch {
        let findings = try findings(digests, try await store.records(for: digests, in: namespace))
        flights.land(
            zip(digests, findings).lazy.compactMap { digest, finding in
                if case .found(let record) = finding { (digest, .success((record, source))) } else { nil }
            }
        )
        return LookupBatch(slots: slots, findings: findings, source: source)
    }

    /// Verifies what the store answered for `digests`: each record's checksum, and that there is
    /// one answer per digest.
    private func findings(_ digests: [ContentDigest], _ found: [StoredRecord?]) throws -> [LookupFinding] {
        guard found.count == digests.count else {
            throw EmbeddingCacheError(
                .storeFailed,
                "the store answered \(found.count) of \(digests.count) lookups",
                namespace: namespace
            )
        }
        return zip(digests, found).map { digest, stored in
            guard let stored else { return .absent }
            return checksum.open(stored, digest: digest).map(LookupFinding.found) ?? .corrupt
        }
    }

    /// Records what lookups found in the run: resolves the hits, counts the corrupt records and
    /// adds the misses to `misses`.
    private func apply(
        _ findings: some Sequence<(Int, LookupFinding)>,
        source: RecordSource,
        _ run: inout BatchRun,
        into misses: inout Misses
    ) {
        for (slot, finding) in findings {
            switch finding {
            case .found(let record):
                run.resolve(slot, .success((record, source)))
            case .absent:
                misses.absent.append(slot)
            case .corrupt:
                run.counters.corrupt += 1
                misses.corrupt.append(slot)
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
