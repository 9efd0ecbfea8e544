public import FoundationEssentials
internal import Synchronization

/// A clock that moves only when told, for testing last-use times and pruning by age.
///
/// ```swift
/// let clock = TestClock()
/// let store = InMemoryEmbeddingStore(now: clock.now)
/// clock.advance(by: 86_400)
/// ```
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    /// Creates a clock.
    ///
    /// - Parameter start: The first time it reads; a fixed date by default, so runs repeat.
    public init(start: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        current = Mutex(start)
    }

    /// The current time.
    ///
    /// - Returns: The start time plus every advance so far.
    @Sendable public func now() -> Date {
        current.withLock { $0 }
    }

    /// Moves the clock forward.
    ///
    /// - Parameter seconds: How far.
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 += seconds }
    }
}
