import Foundation

/// What one `precompute` run (or `--check`) found: the `--json` object, also a table for people.
struct PrecomputeReport: Encodable {
    /// One field's counts.
    struct FieldReport: Encodable {
        /// The field's tensor names joined by `+`.
        var name: String
        var encoder: String
        var hits = 0
        var misses = 0
        var failed = 0
    }

    /// A sample whose field failed, with the reason (never its bytes).
    struct Failure: Encodable {
        var sample: String
        var field: String
        var reason: String
    }

    var check: Bool
    var samples: Int
    var completeSamples = 0
    var hits = 0
    var misses = 0
    var failed = 0
    var seconds = 0.0
    var store: String
    var fields: [FieldReport]
    var failures: [Failure] = []

    /// The per-field table and the totals, for stderr.
    var table: String {
        let width = max(5, fields.map(\.name.count).max() ?? 0)
        func row(_ name: String, _ hits: Int, _ misses: Int, _ failed: Int) -> String {
            name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + [hits, misses, failed].map {
                    String($0).leftPadded(8)
                }.joined(separator: " ")
        }
        var lines = ["field".padding(toLength: width, withPad: " ", startingAt: 0) + "      hits   misses   failed"]
        lines += fields.map { row($0.name, $0.hits, $0.misses, $0.failed) }
        lines.append(row("total", hits, misses, failed))
        let time = (seconds * 1000).rounded() / 1000
        let verb = check ? "checked" : "precomputed"
        lines.append("\(verb) \(samples) samples in \(time) s: \(completeSamples) complete; store: \(store)")
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// The string right-aligned in `width` columns.
    func leftPadded(_ width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}
