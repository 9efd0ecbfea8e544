import Synchronization

/// What a lookup found for one key (see ``EmbeddingStore/verifiedRecords(for:in:)``).
public enum LookupFinding: Sendable {
    /// A stored record that passed its checksum.
    case found(TensorRecord)
    /// No stored record.
    case absent
    /// A stored record that failed its checksum: never served.
    case corrupt
}

/// The slots a lookup did not serve, each sorted.
struct Misses {
    /// Slots with no stored record.
    var absent: [Int] = []
    /// Slots whose stored record failed its checksum.
    var corrupt: [Int] = []

    /// Every slot to encode, sorted.
    var all: [Int] { (absent + corrupt).sorted() }
}

/// The pipeline's look-up step: looks keys up in the store, verifies every record found against
/// its checksum, and serves the hits, to the run and to the callers of the same cache waiting for
/// the same keys.
///
/// When the store looks up synchronously (see ``EmbeddingStoreSynchronousLookup``), the first
/// lookup of a call runs during its digest pass (see ``PipelinedLookup``); otherwise, and for keys
/// looked up again, a large lookup runs as several concurrent requests per core.
struct StoreLookup: Sendable {
    let store: any EmbeddingStore
    let namespace: Namespace
    let checksum: RecordChecksum
    let flights: SingleFlight
    /// How many cores read, digest and look up.
    let concurrency: Int

    /// Concurrent lookup requests per core for a large lookup (one of at least
    /// ``LookupSplit/threshold`` keys), so the store's work and the checksum verification run on
    /// every core. With more parts than cores, a core that other work slows down leaves its
    /// remaining parts to the others instead of holding up the call, and each part's records are
    /// verified while they are still in the cache. Four per core measured faster than one or eight
    /// (`docs/benchmarks.md`).
    static let partsPerCore = 4

    /// Reads and digests every input of the run and, when the store looks up synchronously, looks
    /// the keys up in the same pass and serves the hits. Nothing is claimed.
    ///
    /// - Returns: The slots created, and the pipelined lookup's misses; `nil` when the store has no
    ///   synchronous lookup and nothing was looked up.
    /// - Throws: ``EmbeddingCacheError`` when the store fails.
    func digestAndLookUp(_ run: inout BatchRun) async throws -> (slots: Range<Int>, misses: Misses?) {
        guard let synchronous = store.synchronousLookup else {
            return (await run.load(run.inputs.indices, workers: concurrency, digesting: true), nil)
        }
        let found: (slots: Range<Int>, findings: [LookupFinding])
        do {
            found = try await run.loadAndLookUp(workers: concurrency) { [self] digests in
                try findings(digests, try synchronous.recordsSynchronously(for: digests, in: namespace))
            }
        } catch {
            throw EmbeddingCacheError.storeFailure(error, in: namespace)
        }
        await synchronous.recordPendingUses()
        var misses = Misses()
        apply(zip(found.slots, found.findings), source: .store, &run, into: &misses)
        return (found.slots, misses)
    }

    /// The misses among the slots this caller owns: looked up now or, after a pipelined lookup,
    /// taken from it. Keys it found absent are looked up again when another caller of this cache
    /// landed keys since (it may have stored them after the pipelined lookup missed them).
    func misses(
        owned: [Int],
        pipelined: Misses?,
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

    /// Looks slots up, in one request or, for many keys, several concurrent requests per core
    /// (see ``partsPerCore``).
    ///
    /// - Parameter source: How records found are counted: `.store` (hits), or `.encoder` for keys
    ///   that missed and were then encoded by another process holding their lease.
    /// - Returns: The slots to encode: absent, or stored with a checksum that does not match.
    func lookUp(_ slots: [Int], _ run: inout BatchRun, source: RecordSource = .store) async throws -> Misses {
        guard !slots.isEmpty else { return Misses() }
        let parts = LookupSplit.parts(
            count: slots.count,
            concurrency: concurrency > 1 ? concurrency * Self.partsPerCore : 1
        )
        let digests = slots.map { run.slots[$0].digest }
        let (answers, seconds) = try await Timings.measure {
            try await withThrowingTaskGroup(of: (Range<Int>, [LookupFinding]).self) { group in
                for range in parts {
                    group.addTask { (range, try await lookUpPart(Array(digests[range]), source: source)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        var misses = Misses()
        for (range, findings) in answers {
            apply(zip(slots[range], findings), source: source, &run, into: &misses)
        }
        run.counters.timings.lookup += seconds
        misses.absent.sort()
        misses.corrupt.sort()
        return misses
    }

    /// Looks keys up in one request, verifies every record found and lands the hits.
    private func lookUpPart(_ digests: [ContentDigest], source: RecordSource) async throws -> [LookupFinding] {
        let findings = try findings(digests, try await store.records(for: digests, in: namespace))
        flights.land(
            zip(digests, findings).lazy.compactMap { digest, finding in
                if case .found(let record) = finding { (digest, .success((record, source))) } else { nil }
            }
        )
        return findings
    }

    /// Verifies what the store answered for `digests`: each record's checksum, and that there is
    /// one answer per digest.
    private func findings(_ digests: [ContentDigest], _ found: [StoredRecord?]) throws -> [LookupFinding] {
        try LookupFinding.verifying(found, digests: digests, checksum: checksum, namespace: namespace)
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
}

/// Reads and digests inputs on every core and looks their keys up on the same cores, a small group
/// at a time as they are digested (see ``EmbeddingStoreSynchronousLookup``).
///
/// Inputs are handed out one at a time through ``ConcurrentMap``, so a slow input does not idle the
/// other cores. The core that digests the last key of a group looks the group up before it takes
/// the next input; the last, partial group is looked up once every input is digested. A warm call
/// thus costs its reading, hashing and lookups, spread evenly over the cores, rather than a
/// digest step and a lookup step that each wait for their slowest part.
enum PipelinedLookup {
    /// Keys looked up together, in one read transaction of the store. Smaller groups leave less
    /// lookup work for the end of the pass; larger ones pay the transaction's fixed cost less often.
    static let groupSize = 32

    /// What a pass produced.
    struct Pass {
        /// Per input: its bytes (or `nil` when released) and digest, or why it could not be read.
        var loads: [BatchRun.Load]
        /// Per input: what its key's lookup found; `nil` when the input could not be read.
        var findings: [LookupFinding?]
        /// Seconds the lookups took, summed over the cores.
        var lookupSeconds: Double
    }

    /// The keys digested but not yet looked up, and what the pass's lookups reported.
    private struct Progress {
        var pending: [(input: Int, digest: ContentDigest)] = []
        var failure: (any Error)?
        var lookupSeconds = 0.0
    }

    /// Loads inputs `0..<count` with `load` and looks up the digest of each one that loaded with
    /// `lookUp`, on `workers` cores (in order on the calling thread when `workers` is 1; see
    /// ``ConcurrentMap``).
    ///
    /// - Parameters:
    ///   - load: Reads and digests one input; its digest must not be `nil`.
    ///   - lookUp: Looks a group of digests up, answering one finding per digest, in order.
    /// - Returns: Every input's load and finding.
    /// - Throws: The first error `lookUp` threw; lookups after it are skipped.
    static func run(
        count: Int,
        workers: Int,
        load: @escaping @Sendable (Int) -> BatchRun.Load,
        lookUp: @escaping @Sendable ([ContentDigest]) throws -> [LookupFinding]
    ) async throws -> Pass {
        let progress = Mutex(Progress())
        // Each input's finding is written by exactly one group, outside the lock, and read only
        // after every group is done.
        let findingsBuffer = UnsafeMutableBufferPointer<LookupFinding?>.allocate(capacity: count)
        findingsBuffer.initialize(repeating: nil)
        defer {
            _ = findingsBuffer.deinitialize()
            findingsBuffer.deallocate()
        }
        nonisolated(unsafe) let findings = findingsBuffer
        let lookUpGroup = { @Sendable (group: [(input: Int, digest: ContentDigest)]) in
            guard !group.isEmpty else { return }
            let (failure, seconds) = Timings.measureSynchronously { () -> (any Error)? in
                do {
                    for (entry, finding) in zip(group, try lookUp(group.map(\.digest))) {
                        findings[entry.input] = finding
                    }
                    return nil
                } catch {
                    return error
                }
            }
            progress.withLock { progress in
                progress.lookupSeconds += seconds
                if progress.failure == nil { progress.failure = failure }
            }
        }
        let loads = await ConcurrentMap.map(count: count, workers: workers) { index in
            let loaded = load(index)
            if case .success(let (_, digest?)) = loaded {
                lookUpGroup(
                    progress.withLock { progress in
                        progress.pending.append((index, digest))
                        guard progress.pending.count >= groupSize, progress.failure == nil else { return [] }
                        defer { progress.pending.removeAll(keepingCapacity: true) }
                        return progress.pending
                    }
                )
            }
            return loaded
        }
        lookUpGroup(progress.withLock { $0.failure == nil ? $0.pending : [] })
        let (failure, lookupSeconds) = progress.withLock { ($0.failure, $0.lookupSeconds) }
        if let failure { throw failure }
        return Pass(loads: loads, findings: Array(findings), lookupSeconds: lookupSeconds)
    }
}
