/// The batch-size sweep's measurements and their chart.
public struct BatchSweepResult: Sendable, Hashable, Codable {
    /// The encoder's namespace, as printed.
    public var namespace: String
    /// Inputs per run.
    public var inputs: Int
    /// The fraction of inputs cached before a warm run.
    public var warmHitRate: Double
    /// One point per batch size and mode, batch size by batch size.
    public var points: [BatchSweepPoint]

    /// Throughput per batch size, one column per mode.
    public var table: TextTable {
        let sizes = points.map(\.batchSize).reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
        return TextTable(
            columns: ["batch size"] + BatchSweepPoint.Mode.allCases.map { "\($0.rawValue) (inputs/s)" },
            rows: sizes.map { size in
                [String(size)]
                    + BatchSweepPoint.Mode.allCases.map { mode in
                        points.first { $0.batchSize == size && $0.mode == mode }.map {
                            String(Int($0.throughput.rounded()))
                        } ?? ""
                    }
            },
            rightAligned: Set(0...BatchSweepPoint.Mode.allCases.count)
        )
    }

    /// `batch-sweep.csv`: one row per batch size and mode.
    public var tables: [ReportFile] {
        let table = CSVTable(
            columns: ["batch_size", "mode", "inputs", "hits", "encoded", "seconds", "throughput"],
            rows: points.map { point in
                [
                    String(point.batchSize), point.mode.rawValue, String(point.inputs), String(point.hits),
                    String(point.encoded), CSVTable.decimal(point.seconds), CSVTable.decimal(point.throughput),
                ]
            }
        )
        return [ReportFile(name: "batch-sweep.csv", contents: table.text)]
    }

    /// `batch-sweep-throughput.svg`: throughput against batch size, one line per mode.
    public var charts: [ReportFile] {
        let series = BatchSweepPoint.Mode.allCases.map { mode in
            LineChart.Series(
                name: mode == .warm ? "warm (\(Int((warmHitRate * 100).rounded())) % cached)" : mode.rawValue,
                points: points.filter { $0.mode == mode }.map { (Double($0.batchSize), $0.throughput) }
            )
        }
        let chart = LineChart(
            title: "Throughput against batch size",
            subtitle: "\(inputs) files per run, encoder \(NamespaceText.model(of: namespace))",
            xLabel: "batch size (inputs per call, log scale)",
            yLabel: "throughput (inputs/s)",
            series: series,
            xLogarithmic: true
        )
        return [ReportFile(name: "batch-sweep-throughput.svg", contents: chart.svg())]
    }
}
