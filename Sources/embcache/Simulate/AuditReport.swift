import EmbeddingCacheSimulation

/// `simulate audit --json`: one object per scenario and the files written.
struct AuditReport: Encodable {
    /// The files audited: PATH or the synthetic corpus.
    var input: String
    var namespace: String
    var passed: Bool
    var scenarios: [Scenario]
    var files: [String]
    var out: String

    /// One scenario, with `passed` spelled out.
    struct Scenario: Encodable {
        var scenario: String
        var inputs: Int
        var expectedHits: Int
        var hits: Int
        var expectedEncoded: Int
        var encoded: Int
        var expectedCorrupt: Int
        var corrupt: Int
        var wrongVectors: Int
        var passed: Bool
    }

    init(input: String, result: AuditResult, files: [String], out: String) {
        self.input = input
        namespace = result.namespace
        passed = result.passed
        scenarios = result.rows.map { row in
            Scenario(
                scenario: row.scenario.rawValue,
                inputs: row.inputs,
                expectedHits: row.expectedHits,
                hits: row.hits,
                expectedEncoded: row.expectedEncoded,
                encoded: row.encoded,
                expectedCorrupt: row.expectedCorrupt,
                corrupt: row.corrupt,
                wrongVectors: row.wrongVectors,
                passed: row.passed
            )
        }
        self.files = files
        self.out = out
    }
}
