public import EmbeddingCache

/// The text of a long run's progress: how far it is, how fast it goes, about how long it has
/// left, and, for cache runs, the hits and misses so far.
///
/// ```swift
/// let line = ProgressLine(total: 800, unit: "inputs")
/// line.text(CallProgress(finished: 400, hits: 380, misses: 20), elapsed: .seconds(2))
/// // "400/800 inputs (50%), 200/s, about 2 s left, 380 hits, 20 misses"
/// ```
public struct ProgressLine: Sendable {
    /// How many items the run has; `nil` while unknown (inputs streamed from standard input).
    public let total: Int?
    /// What the items are called, in the plural ("inputs", "records", "samples").
    public let unit: String

    /// Creates the line of a run of `total` items.
    ///
    /// - Parameters:
    ///   - total: How many items the run has, or `nil` while unknown.
    ///   - unit: What they are called, in the plural.
    public init(total: Int?, unit: String) {
        self.total = total
        self.unit = unit
    }

    /// The progress after `elapsed`, in words.
    ///
    /// - Parameters:
    ///   - progress: The items finished, and of them the hits and misses (both 0 when the run is
    ///     not a cache run: then neither they nor the failures are named).
    ///   - elapsed: The time since the run started.
    /// - Returns: Items finished of the total with the percentage (or the items finished alone
    ///   while the total is unknown), the rate once a first item is done, the time left once the
    ///   rate and the total are known and items remain, and the hits and misses.
    public func text(_ progress: CallProgress, elapsed: Duration) -> String {
        let done = min(max(progress.finished, 0), total ?? .max)
        var parts = [total.map { "\(done)/\($0) \(unit) (\(percent(done) ?? 100)%)" } ?? "\(done) \(unit)"]
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if done > 0, seconds > 0 {
            let rate = Double(done) / seconds
            parts.append("\(Self.rate(rate))/s")
            if let total, done < total { parts.append("about \(Self.duration(Double(total - done) / rate)) left") }
        }
        if progress.hits + progress.misses > 0 {
            parts.append("\(progress.hits) hits, \(progress.misses) misses")
            if progress.failed > 0 { parts.append("\(progress.failed) failed") }
        }
        return parts.joined(separator: ", ")
    }

    /// The share of the total done, in whole percent; `nil` while the total is unknown.
    public func percent(_ done: Int) -> Int? {
        total.map { $0 > 0 ? min(done, $0) * 100 / $0 : 100 }
    }

    /// A rate with three significant digits at most: `0.52`, `12.3`, `1234`.
    static func rate(_ value: Double) -> String {
        if value >= 100 { return String(Int(value.rounded())) }
        if value >= 10 { return String((value * 10).rounded() / 10) }
        return String((value * 100).rounded() / 100)
    }

    /// A duration as people say it: `45 s`, `3 min 20 s`, `2 h 05 min`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(min(seconds, 359_999).rounded(.up))
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        let minutes = (whole % 3600) / 60
        return "\(whole / 3600) h \(minutes < 10 ? "0" : "")\(minutes) min"
    }
}
