/// What `simulate audit --json` prints: one object per scenario and the files written.
///
/// ```swift
/// let json = try JSONEncoder().encode(AuditReport(input: "photos/", result: result, files: files, out: "out"))
/// ```
public struct AuditReport: Encodable, Sendable {
    /// The files audited: PATH or the synthetic corpus.
    public var input: String
    /// The encoder's namespace, as the tables print it.
    public var namespace: String
    /// Whether every scenario met its expectation.
    public var passed: Bool
    /// One object per scenario.
    public var scenarios: [Scenario]
    /// The files written into the output folder.
    public var files: [String]
    /// The output folder.
    public var out: String

    /// One scenario, with `passed` spelled out.
    public struct Scenario: Encodable, Sendable {
        /// The scenario's name.
        public var scenario: String
        /// Inputs embedded.
        public var inputs: Int
        /// Hits the scenario expects.
        public var expectedHits: Int
        /// Hits served.
        public var hits: Int
        /// Inputs the scenario expects encoded.
        public var expectedEncoded: Int
        /// Inputs encoded.
        public var encoded: Int
        /// Corrupt records the scenario expects.
        public var expectedCorrupt: Int
        /// Corrupt records found.
        public var corrupt: Int
        /// Served vectors that differ from a fresh encode.
        public var wrongVectors: Int
        /// Whether every scenario met its expectation.
        public var passed: Bool
    }

    /// The JSON object of a result.
    ///
    /// - Parameters:
    ///   - input: The files used: PATH or the synthetic corpus.
    ///   - result: The simulation's result.
    ///   - files: The files written.
    ///   - out: The output folder.
    public init(input: String, result: AuditResult, files: [String], out: String) {
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
