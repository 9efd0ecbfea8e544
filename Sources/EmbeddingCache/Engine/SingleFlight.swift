import Synchronization

/// Where a resolved record came from, so a waiting caller can count it as a hit or a miss.
enum RecordSource: Sendable {
    case store
    case encoder
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
final class SingleFlight: Sendable {
    private let flights = Mutex<[ContentDigest: Flight]>([:])

    /// Claims every digest that nobody else is working on.
    ///
    /// - Returns: For each digest, in order: a new flight this caller owns and must ``land(_:_:)``,
    ///   or another caller's flight to wait on.
    func claim(_ digests: [ContentDigest]) -> [(flight: Flight, owned: Bool)] {
        flights.withLock { flights in
            digests.map { digest in
                if let existing = flights[digest] { return (existing, false) }
                let flight = Flight()
                flights[digest] = flight
                return (flight, true)
            }
        }
    }

    /// Releases an owned key and hands its outcome to the callers waiting on it.
    func land(_ digest: ContentDigest, _ outcome: FlightOutcome) {
        let flight = flights.withLock { $0.removeValue(forKey: digest) }
        flight?.finish(outcome)
    }
}
