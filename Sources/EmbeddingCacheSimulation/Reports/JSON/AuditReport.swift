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

    /// One scenario: its row's fields, with `passed` spelled out.
    public struct Scenario: Encodable, Sendable {
        /// The scenario's row.
        public var row: AuditRow

        private enum Keys: String, CodingKey { case passed }

        /// Encodes the row's fields and `passed`.
        ///
        /// - Parameter encoder: The encoder.
        /// - Throws: What the encoder throws.
        public func encode(to encoder: any Encoder) throws {
            try row.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(row.passed, forKey: .passed)
        }
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
        scenarios = result.rows.map(Scenario.init)
        self.files = files
        self.out = out
    }
}
