/// A failed conformance check: what was expected, and where.
public struct ConformanceFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The source location of the failed expectation, `file:line`.
    public var location: String

    /// A readable summary, `location: message`.
    public var description: String { "\(location): \(message)" }
}

/// Throws a ``ConformanceFailure`` unless `condition` holds.
func expect(
    _ condition: Bool,
    _ message: @autoclosure () -> String,
    file: StaticString = #fileID,
    line: UInt = #line
) throws(ConformanceFailure) {
    guard condition else { throw ConformanceFailure(message: message(), location: "\(file):\(line)") }
}

/// Throws a ``ConformanceFailure`` unless `actual == expected`.
func expectEqual<Value: Equatable>(
    _ actual: Value,
    _ expected: Value,
    _ what: @autoclosure () -> String,
    file: StaticString = #fileID,
    line: UInt = #line
) throws(ConformanceFailure) {
    try expect(actual == expected, "\(what()): expected \(expected), got \(actual)", file: file, line: line)
}
