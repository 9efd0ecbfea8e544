import Synchronization

/// The time spent waiting for the upstream on behalf of one piece of work, such as one request to
/// the proxy: every attempt of every upstream call made while it is ``current`` adds its duration.
///
/// The server reports it beside its own time (`Server-Timing: upstream;dur=…`), so a client can
/// tell the proxy's overhead from the upstream's time on a miss.
///
/// ```swift
/// let time = UpstreamTime()
/// let records = try await UpstreamTime.$current.withValue(time) { try await cache.records(for: inputs) }
/// print(time.duration)
/// ```
public final class UpstreamTime: Sendable {
    /// The accumulator of the running task and the tasks it starts, if any.
    @TaskLocal public static var current: UpstreamTime?

    private let total = Mutex(Duration.zero)

    /// Creates an accumulator at zero.
    public init() {}

    /// The time added so far.
    public var duration: Duration { total.withLock { $0 } }

    /// Adds one upstream attempt's duration.
    func add(_ duration: Duration) {
        total.withLock { $0 += duration }
    }
}
