/// The invalidation audit's outcome: one row per scenario.
public struct AuditResult: Sendable, Hashable, Codable {
    /// The audited encoder's namespace, as printed.
    public var namespace: String
    /// One row per scenario, in ``AuditScenario`` order.
    public var rows: [AuditRow]

    /// Whether every scenario passed.
    public var passed: Bool { rows.allSatisfy(\.passed) }

    /// Expected versus observed, one line per scenario.
    public var table: TextTable {
        TextTable(
            columns: ["scenario", "inputs", "expected", "observed", "wrong vectors", "result"],
            rows: rows.map { row in
                [
                    row.scenario.rawValue, String(row.inputs),
                    Self.outcome(hits: row.expectedHits, encoded: row.expectedEncoded, corrupt: row.expectedCorrupt),
                    Self.outcome(hits: row.hits, encoded: row.encoded, corrupt: row.corrupt), String(row.wrongVectors),
                    row.passed ? "pass" : "FAIL",
                ]
            },
            rightAligned: [1, 4]
        )
    }

    /// `audit.csv`: one row per scenario.
    public var tables: [ReportFile] {
        let table = CSVTable(
            columns: [
                "scenario", "inputs", "expected_hits", "hits", "expected_encoded", "encoded", "expected_corrupt",
                "corrupt", "wrong_vectors", "passed",
            ],
            rows: rows.map { row in
                [
                    row.scenario.rawValue, String(row.inputs), String(row.expectedHits), String(row.hits),
                    String(row.expectedEncoded), String(row.encoded), String(row.expectedCorrupt), String(row.corrupt),
                    String(row.wrongVectors), String(row.passed),
                ]
            }
        )
        return [ReportFile(name: "audit.csv", contents: table.text)]
    }

    private static func outcome(hits: Int, encoded: Int, corrupt: Int) -> String {
        "\(hits) hits, \(encoded) encoded" + (corrupt > 0 ? ", \(corrupt) corrupt detected" : "")
    }
}
