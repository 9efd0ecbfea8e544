import FoundationEssentials

extension Duration {
    /// The duration in whole milliseconds, as the stores keep lease and touch intervals.
    package var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    /// The duration in whole nanoseconds, as file timestamps count.
    package var nanoseconds: Int64 {
        components.seconds &* 1_000_000_000 &+ components.attoseconds / 1_000_000_000
    }
}

extension Date {
    /// Milliseconds since 1970, as the stores keep `created` and `last_used` times.
    package var storedMilliseconds: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded(.down))
    }
}
