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
