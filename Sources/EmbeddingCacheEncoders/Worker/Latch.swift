import Dispatch

/// A flag a thread can wait on, up to a deadline: once raised, it stays raised.
///
/// Worker bookkeeping runs on threads of its own (the stderr relay, the process's termination
/// handler), so waiting for it is a blocking wait with a deadline rather than a sleep-and-check
/// loop.
final class Latch: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)

    /// Raises the latch: every wait, now or later, returns `true`.
    func raise() {
        semaphore.signal()
    }

    /// Waits until the latch is raised, at most `patience`.
    ///
    /// - Returns: Whether it was raised in time.
    func wait(upTo patience: Duration) -> Bool {
        let nanoseconds = max(0, min(patience / .nanoseconds(1), Double(Int.max / 2)))
        guard semaphore.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success else { return false }
        semaphore.signal()
        return true
    }
}
