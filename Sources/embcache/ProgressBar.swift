import EmbeddingCache
import EmbeddingCacheDatasets
import Synchronization

/// A run's progress on stderr (``ProgressLine``): a bar redrawn in place, or a line every few
/// seconds when stderr is not a terminal.
final class ProgressBar: Sendable {
    /// How the progress is shown.
    enum Style {
        /// One line redrawn in place.
        case bar
        /// A line every ``ProgressBar/lineInterval``.
        case lines
        /// Nothing.
        case off
    }

    /// How often a line is printed in the `lines` style.
    static let lineInterval = Duration.seconds(5)
    /// How often the bar is redrawn at most.
    private static let redrawInterval = Duration.milliseconds(100)
    private static let width = 24

    private let line: ProgressLine
    private let style: Style
    private let start = ContinuousClock.now
    private let lastShown = Mutex<ContinuousClock.Instant?>(nil)

    /// Creates the progress of a run of `total` items (`nil` while unknown).
    init(total: Int?, unit: String = "inputs", style: Style) {
        line = ProgressLine(total: total, unit: unit)
        self.style = total != 0 ? style : .off
    }

    /// Shows `progress`; redraws at most every tenth of a second (and always at the end), or
    /// prints a line every ``lineInterval``.
    func update(_ progress: CallProgress) {
        guard style != .off else { return }
        let now = ContinuousClock.now
        let interval = style == .bar ? Self.redrawInterval : Self.lineInterval
        let due = lastShown.withLock { last in
            let isLast = progress.finished >= line.total ?? .max && style == .bar
            guard isLast || now - (last ?? start) >= interval else { return false }
            last = now
            return true
        }
        guard due else { return }
        let text = line.text(progress, elapsed: now - start)
        if style == .lines { return StandardError.print("embcache: \(text)") }
        guard let percent = line.percent(progress.finished) else { return StandardError.write("\r\u{1B}[K\(text)") }
        let filled = percent * Self.width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: Self.width - filled)
        StandardError.write("\r\u{1B}[K[\(bar)] \(text)")
    }

    /// Shows `done` items finished.
    func update(_ done: Int) { update(CallProgress(finished: done)) }

    /// Runs `body` with the progress of `total` items (`nil` while unknown), cleared when `body`
    /// returns or throws.
    static func showing<Result>(
        total: Int?,
        unit: String = "inputs",
        _ options: ProgressOptions,
        _ body: (ProgressBar) async throws -> Result
    ) async throws -> Result {
        let bar = ProgressBar(total: total, unit: unit, style: options.style)
        defer { bar.finish() }
        return try await body(bar)
    }

    /// Clears the bar's line.
    func finish() {
        if style == .bar { StandardError.write("\r\u{1B}[K") }
    }
}
