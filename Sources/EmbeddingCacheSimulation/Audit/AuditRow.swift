/// One scenario of the invalidation audit: what a correct cache must do and what embcache did.
public struct AuditRow: Sendable, Hashable, Codable {
    /// The change made.
    public var scenario: AuditScenario
    /// Inputs looked up after the change.
    public var inputs: Int
    /// Hits a correct cache gives.
    public var expectedHits: Int
    /// Hits observed.
    public var hits: Int
    /// Inputs a correct cache sends to the encoder.
    public var expectedEncoded: Int
    /// Inputs sent to the encoder.
    public var encoded: Int
    /// Corrupt records a correct cache detects.
    public var expectedCorrupt: Int
    /// Corrupt records detected.
    public var corrupt: Int
    /// Served vectors that differ from a fresh encode (a correct cache serves none).
    public var wrongVectors: Int

    /// Whether every observation is the expected one and no wrong vector was served.
    public var passed: Bool {
        hits == expectedHits && encoded == expectedEncoded && corrupt == expectedCorrupt && wrongVectors == 0
    }
}
