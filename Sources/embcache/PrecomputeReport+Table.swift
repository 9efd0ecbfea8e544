import EmbeddingCacheDatasets
import Foundation

extension PrecomputeReport {
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
