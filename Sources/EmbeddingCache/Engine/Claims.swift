import Synchronization

/// Where a resolved record came from, so a waiting caller can count it as a hit or a miss.
enum RecordSource: Sendable {
    /// Found under the input's byte digest.
    case store
    /// Found under the input's secondary digest (a hit, counted apart too).
    case secondaryKey
    /// Encoded.
    case encoder

    /// Whether the record was served from the store rather than encoded.
    var isHit: Bool { self != .encoder }
}

/// The outcome of one key's lookup-or-encode, shared with every caller that waited for it.
typealias FlightOutcome = Result<(record: TensorRecord, source: RecordSource), EmbeddingCacheError>

/// One key being looked up or encoded by one caller, awaited by any others.
final class Flight: Sendable {
    private enum State {
        case pending([CheckedContinuation<FlightOutcome, Never>])
        case done(FlightOutcome)
    }

    private let state = Mutex(State.pending([]))

    /// Waits for the owner's outcome.
    func wait() async -> FlightOutcome {
        await withCheckedContinuation { continuation in
            let ready: FlightOutcome? = state.withLock { state in
                switch state {
                case .pending(let waiters):
                    state = .pending(waiters + [continuation])
                    return nil
                case .done(let outcome):
                    return outcome
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Records the outcome and wakes every waiter; later calls are ignored.
    func finish(_ outcome: FlightOutcome) {
        let waiters: [CheckedContinuation<FlightOutcome, Never>] = state.withLock { state in
            guard case .pending(let waiters) = state else { return [] }
            state = .done(outcome)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
    }
}

/// The keys in flight in one cache: concurrent callers asking for the same key share one lookup
/// and one encode.
///
/// A claimed key holds no ``Flight`` until a second caller asks for it, so the common case (nobody
/// else wants the key) allocates nothing.
///
/// Landings are counted, so that a caller that looked keys up before claiming them can tell
/// whether another caller may have stored one of them in between (see ``landings``).
final class SingleFlight: Sendable {
    private struct State {
        var flights: [ContentDigest: Flight?] = [:]
        var landings = 0
    }

    private let state = Mutex(State())

    /// What a caller got for one digest it asked for.
    enum Claim {
        /// The caller owns the key and must ``SingleFlight/land(_:)`` it.
        case owned
        /// Another caller owns the key; wait for its outcome.
        case awaiting(Flight)
    }

    /// How many times keys have been landed so far.
    ///
    /// Owners store a record before they land its key, so a key absent from a lookup that started
    /// after this was read, and claimed while it still has the same value, was not stored by
    /// another caller of this cache in between.
    var landings: Int { state.withLock { $0.landings } }

    /// Claims every digest that nobody else is working on.
    ///
    /// - Returns: For each digest, in order: owned by this caller, or another caller's flight; and
    ///   ``landings`` as it was when the digests were claimed.
    func claim(_ digests: [ContentDigest]) -> (claims: [Claim], landings: Int) {
        state.withLock { state in
            state.flights.reserveCapacity(state.flights.count + digests.count)
            let claims = digests.map { digest -> Claim in
                guard let existing = state.flights.index(forKey: digest) else {
                    state.flights[digest] = .some(nil)
                    return .owned
                }
                if let flight = state.flights.values[existing] { return .awaiting(flight) }
                let flight = Flight()
                state.flights.values[existing] = flight
                return .awaiting(flight)
            }
            return (claims, state.landings)
        }
    }

    /// Releases owned keys and hands their outcomes to the callers waiting on them.
    func land(_ outcomes: some Sequence<(ContentDigest, FlightOutcome)>) {
        let waited: [(Flight, FlightOutcome)] = state.withLock { state in
            var landed = false
            let waited = outcomes.compactMap { digest, outcome -> (Flight, FlightOutcome)? in
                landed = true
                guard case .some(.some(let flight)) = state.flights.removeValue(forKey: digest) else { return nil }
                return (flight, outcome)
            }
            if landed { state.landings += 1 }
            return waited
        }
        for (flight, outcome) in waited { flight.finish(outcome) }
    }

    /// Releases one owned key; see ``land(_:)``.
    func land(_ digest: ContentDigest, _ outcome: FlightOutcome) {
        land(CollectionOfOne((digest, outcome)))
    }
}

/// The leases one call of the engine holds on a leasing store, renewed together.
///
/// Claims add the keys granted, releases remove them, and ``renewUntilCancelled()`` claims every
/// held key again each third of the lease, so a key stays held for as long as this caller is
/// encoding it, however slow the encoder, and no longer.
final class HeldLeases: Sendable {
    private let store: any EmbeddingStoreLeasing
    private let namespace: Namespace
    private let duration: Duration
    private let held = Mutex<Set<ContentDigest>>([])

    init(store: any EmbeddingStoreLeasing, namespace: Namespace, duration: Duration) {
        self.store = store
        self.namespace = namespace
        self.duration = duration
    }

    /// Claims `digests` and holds the keys granted.
    ///
    /// - Returns: One element per digest: whether this caller now holds it.
    func claim(_ digests: [ContentDigest]) async throws -> [Bool] {
        guard !digests.isEmpty else { return [] }
        let granted = try await store.claim(digests, in: namespace, for: duration)
        guard granted.count == digests.count else {
            throw EmbeddingCacheError.miscounted(granted.count, of: digests.count, "claims", in: namespace)
        }
        held.withLock { held in
            for (digest, isGranted) in zip(digests, granted) where isGranted { held.insert(digest) }
        }
        return granted
    }

    /// Stops holding `digests` and releases them.
    func release(_ digests: [ContentDigest]) async throws {
        guard !digests.isEmpty else { return }
        held.withLock { held in for digest in digests { held.remove(digest) } }
        try await store.release(digests, in: namespace)
    }

    /// Claims every held key again each third of the lease until cancelled. A renewal that fails
    /// is not an error: the keys then stay claimed until the last renewal expires. A key released
    /// while its renewal was under way is released again, so a renewal never outlives a release.
    func renewUntilCancelled() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: duration / 3)
            let digests = Array(held.withLock { $0 })
            guard !Task.isCancelled, !digests.isEmpty,
                let granted = try? await store.claim(digests, in: namespace, for: duration)
            else { continue }
            let stale = held.withLock { held in
                zip(digests, granted).filter { $0.1 && !held.contains($0.0) }.map(\.0)
            }
            try? await store.release(stale, in: namespace)
        }
    }
}

/// The claim step across processes, for stores that hand out leases: encodes misses so that
/// processes sharing the store encode each key once.
///
/// Keys whose stored record is corrupt are encoded at once, without a lease (a store grants none
/// on a stored key). Absent keys are claimed a few encoder batches at a time; this caller encodes
/// and stores the keys granted to it, then releases them, renewing every key it holds while it
/// works. Keys another process holds are looked up again once every miss was tried; any still
/// absent are claimed again, which succeeds once their holder released them without storing or
/// let the lease expire, so nobody waits forever.
struct LeasedEncoding: Sendable {
    let leasing: any EmbeddingStoreLeasing
    let lookup: StoreLookup
    let encoding: BatchEncoding
    /// How long each lease lasts; see ``EmbeddingCache/Configuration/leaseDuration``.
    let duration: Duration

    /// Encoder batches claimed per lease request: enough to overlap encoding with storing, few
    /// enough that several processes on one dataset share the work chunk by chunk.
    static let batchesPerLease = 4

    /// How often keys leased by another process are looked up again: a fiftieth of the lease,
    /// between 10 ms and 200 ms.
    var pollInterval: Duration { min(max(duration / 50, .milliseconds(10)), .milliseconds(200)) }

    /// Encodes and stores `misses`, each key once across the processes sharing the store.
    func encode(_ misses: Misses, _ run: inout BatchRun) async throws {
        try await encoding.encode(misses.corrupt, &run)
        let leases = HeldLeases(store: leasing, namespace: lookup.namespace, duration: duration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await leases.renewUntilCancelled() }
            defer { group.cancelAll() }
            var waiting = try await encodeClaimed(misses.absent, leases, &run)
            while !waiting.isEmpty {
                try await Task.sleep(for: pollInterval)
                let found = try await lookup.lookUp(waiting, &run, source: .encoder)
                try await encoding.encode(found.corrupt, &run)
                waiting = try await encodeClaimed(found.absent, leases, &run)
            }
        }
    }

    /// Claims the slots' keys a chunk at a time, encodes and stores those granted, and releases
    /// them. When encoding or storing throws, the keys still held are left to expire.
    ///
    /// Claims and releases are write transactions on the store; running them while a chunk
    /// encodes was measured slower on SQLite than running them in turn (they queue behind the
    /// chunk's own writes; `docs/reliability.md`), so a chunk's claim, encoding and release
    /// follow one another.
    ///
    /// - Returns: The slots whose keys another process holds.
    private func encodeClaimed(_ slots: [Int], _ leases: HeldLeases, _ run: inout BatchRun) async throws -> [Int] {
        let size = encoding.batchSize * max(Self.batchesPerLease, encoding.encoder.concurrentBatches)
        var waiting = [Int]()
        for chunk in BatchEncoding.chunks(slots, of: size) {
            let granted = try await leases.claim(chunk.map { run.slots[$0].digest })
            let mine = zip(chunk, granted).filter(\.1).map(\.0)
            waiting += zip(chunk, granted).filter { !$0.1 }.map(\.0)
            try await encoding.encode(mine, &run)
            try await leases.release(mine.map { run.slots[$0].digest })
        }
        return waiting
    }
}
