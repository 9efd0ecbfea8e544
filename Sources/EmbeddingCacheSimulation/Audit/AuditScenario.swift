/// A change the invalidation audit makes, and what a correct cache must do after it.
public enum AuditScenario: String, CaseIterable, Sendable, Codable {
    /// Nothing changed: every input must hit.
    case unchanged
    /// The model identity changed (an upgrade): every input must miss.
    case modelChange = "model change"
    /// The preprocessing identity changed (another resize): every input must miss.
    case preprocessingChange = "preprocessing change"
    /// One byte of each file flipped, in a copy: every input must miss.
    case byteFlipped = "one byte flipped"
    /// Every file renamed, bytes unchanged: every input must hit.
    case rename
    /// Every file edited in place (a patch painted over): every input must miss and get a fresh vector.
    case inPlaceEdit = "in-place edit"
    /// One stored record's vector overwritten with zeros, its checksum left alone: that record
    /// must be detected and re-encoded, never served; the others hit.
    case tamperedRecord = "stored record tampered with"
}
