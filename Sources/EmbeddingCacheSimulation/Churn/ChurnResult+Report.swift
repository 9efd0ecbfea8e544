import Foundation

extension ChurnResult {
    /// The study's Table 1 as text: per strategy, encoder seconds over all cycles, the hit rate from
    /// cycle 1, and the wrong vectors served.
    public var table: TextTable {
        let rows = summaries.map { summary in
            [
                summary.strategy.rawValue,
                summary.strategy.keyDescription,
                Self.seconds(summary.encoderSeconds),
                summary.hitRateFromCycle1.map { Self.percent($0) } ?? "n/a",
                String(summary.wrongVectors),
                summary.wrongVectors == 0 ? "yes" : "NO: silent wrong vectors",
            ]
        }
        return TextTable(
            columns: [
                "strategy", "key", "encoder s (all cycles)", "hit rate from cycle 1", "wrong vectors served", "correct",
            ],
            rows: rows,
            rightAligned: [2, 3, 4]
        )
    }

    /// `churn.csv` (one row per strategy and cycle) and `churn-summary.csv` (Table 1).
    public var tables: [ReportFile] {
        let cycles = CSVTable(
            columns: [
                "strategy", "cycle", "inputs", "hits", "misses", "failed", "encoder_calls", "encoder_seconds",
                "digest_seconds", "lookup_seconds", "wall_seconds", "wrong_vectors",
            ],
            rows: measurements.map { row in
                [
                    row.strategy.rawValue, String(row.cycle), String(row.inputs), String(row.hits), String(row.misses),
                    String(row.failed), String(row.encoderCalls), CSVTable.decimal(row.encoderSeconds),
                    CSVTable.decimal(row.digestSeconds), CSVTable.decimal(row.lookupSeconds),
                    CSVTable.decimal(row.wallSeconds), String(row.wrongVectors),
                ]
            }
        )
        let summary = CSVTable(
            columns: [
                "strategy", "encoder_seconds", "encoder_calls", "hit_rate_from_cycle_1", "wrong_vectors", "failed",
                "wall_seconds",
            ],
            rows: summaries.map { row in
                [
                    row.strategy.rawValue, CSVTable.decimal(row.encoderSeconds), String(row.encoderCalls),
                    row.hitRateFromCycle1.map(CSVTable.decimal) ?? "", String(row.wrongVectors), String(row.failed),
                    CSVTable.decimal(row.wallSeconds),
                ]
            }
        )
        return [
            ReportFile(name: "churn.csv", contents: cycles.text),
            ReportFile(name: "churn-summary.csv", contents: summary.text),
        ]
    }

    /// The three charts: cumulative encoder time, hit rate per cycle, cumulative wrong vectors.
    public var charts: [ReportFile] {
        let subtitle =
            "\(inputsPerCycle) files per cycle, \(Self.percent(churn)) changed per cycle (\(kind.rawValue)), encoder \(NamespaceText.model(of: namespace))"
        let cumulative = { (value: (CycleMeasurement) -> Double) in
            strategies.map { strategy in
                var total = 0.0
                return LineChart.Series(
                    name: strategy.rawValue,
                    points: measurements(of: strategy).map { row in
                        total += value(row)
                        return (Double(row.cycle), total)
                    }
                )
            }
        }
        let hitRates = strategies.map { strategy in
            LineChart.Series(
                name: strategy.rawValue,
                points: measurements(of: strategy).map { (Double($0.cycle), $0.hitRate * 100) }
            )
        }
        let charts = [
            (
                "churn-encoder-seconds.svg",
                LineChart(
                    title: "Cumulative encoder time",
                    subtitle: subtitle,
                    xLabel: "cycle (re-run number, 0 = cold cache)",
                    yLabel: "encoder time, cumulative (s)",
                    series: cumulative(\.encoderSeconds)
                )
            ),
            (
                "churn-hit-rate.svg",
                LineChart(
                    title: "Cache hit rate per cycle",
                    subtitle: subtitle,
                    xLabel: "cycle (re-run number, 0 = cold cache)",
                    yLabel: "hit rate (% of files)",
                    series: hitRates
                )
            ),
            (
                "churn-wrong-vectors.svg",
                LineChart(
                    title: "Wrong vectors served",
                    subtitle: subtitle,
                    xLabel: "cycle (re-run number, 0 = cold cache)",
                    yLabel: "wrong vectors served, cumulative (vectors)",
                    series: cumulative { Double($0.wrongVectors) }
                )
            ),
        ]
        return charts.map { ReportFile(name: $0.0, contents: $0.1.svg()) }
    }

    /// Seconds with three decimals, such as `4.312`.
    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }

    /// A fraction as a percentage with one decimal, such as `80.0 %`.
    static func percent(_ fraction: Double) -> String {
        let tenths = Int((fraction * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10) %"
    }
}
