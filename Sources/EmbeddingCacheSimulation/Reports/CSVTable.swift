import Foundation

/// A table written as CSV (RFC 4180): a header row, then one row per record; fields holding a
/// comma, a quote or a line break are quoted.
public struct CSVTable: Sendable, Hashable {
    /// The column names, in order.
    public var columns: [String]
    /// The rows, each with one field per column.
    public var rows: [[String]]

    /// Creates a table.
    ///
    /// - Parameters:
    ///   - columns: The column names.
    ///   - rows: The rows.
    public init(columns: [String], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// The CSV text, lines ending in `\n`.
    public var text: String {
        ([columns] + rows).map { $0.map(Self.field).joined(separator: ",") + "\n" }.joined()
    }

    /// A number of seconds or a rate with six decimals, as every simulation CSV writes them.
    ///
    /// - Parameter value: The number.
    /// - Returns: Its text, such as `0.012500`.
    public static func decimal(_ value: Double) -> String { String(format: "%.6f", value) }

    private static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
