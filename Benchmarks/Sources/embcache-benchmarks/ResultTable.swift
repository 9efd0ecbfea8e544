import Foundation

/// The benchmark figures, printed as one Markdown table.
struct ResultTable {
    struct Row {
        let benchmark: String
        let embcache: String
        let baseline: String
        let ratio: String
        let target: String
    }

    private(set) var rows: [Row] = []

    /// Adds a row and echoes it to stderr so long runs show progress.
    mutating func add(_ benchmark: String, embcache: String, baseline: String, ratio: String, target: String) {
        let row = Row(benchmark: benchmark, embcache: embcache, baseline: baseline, ratio: ratio, target: target)
        rows.append(row)
        FileHandleOutput.standardError("\(benchmark): \(embcache) | baseline \(baseline) | \(ratio) | target \(target)")
    }

    var markdown: String {
        let header = "| benchmark | embcache | baseline (same run) | ratio | target |\n|---|---|---|---|---|\n"
        return header
            + rows.map { "| \($0.benchmark) | \($0.embcache) | \($0.baseline) | \($0.ratio) | \($0.target) |" }
            .joined(separator: "\n")
    }
}

enum FileHandleOutput {
    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
