import Foundation
import Synchronization

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
final class ProgressBar: Sendable {
    private let total: Int
    private let enabled: Bool
    private let lastDrawn = Mutex(-1)
    private static let width = 30

    /// Creates a bar for `total` inputs.
    ///
    /// - Parameters:
    ///   - total: The number of inputs.
    ///   - enabled: Whether to draw; by default, when stderr is a terminal.
    init(total: Int, enabled: Bool = StandardError.isTerminal) {
        self.total = total
        self.enabled = enabled && total > 0
    }

    /// Shows `done` of the total inputs finished; redraws only when the shown figure changes.
    func update(_ done: Int) {
        guard enabled else { return }
        let permille = min(done, total) * 1000 / total
        let changed = lastDrawn.withLock { last in
            guard permille != last else { return false }
            last = permille
            return true
        }
        guard changed else { return }
        let filled = permille * Self.width / 1000
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: Self.width - filled)
        StandardError.write("\r[\(bar)] \(min(done, total))/\(total) \(permille / 10)%")
    }

    /// Runs `body` with a bar for `total` items, cleared when `body` returns or throws.
    static func showing<Result>(
        total: Int,
        _ body: (_ update: @escaping @Sendable (Int) -> Void) async throws -> Result
    ) async throws -> Result {
        let bar = ProgressBar(total: total)
        defer { bar.finish() }
        return try await body(bar.update)
    }

    /// Clears the bar's line.
    func finish() {
        guard enabled else { return }
        StandardError.write("\r\u{1B}[K")
    }
}
