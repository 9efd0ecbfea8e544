/// A table printed as aligned text columns, for terminals: a header, a rule, then the rows.
///
/// ```swift
/// print(TextTable(columns: ["strategy", "hits"], rows: [["sha", "640"]], rightAligned: [1]).text)
/// ```
public struct TextTable: Sendable, Hashable {
    /// The column headers.
    public var columns: [String]
    /// The rows, each with one cell per column.
    public var rows: [[String]]
    /// The indices of the columns aligned to the right (numbers).
    public var rightAligned: Set<Int>

    /// Creates a table.
    ///
    /// - Parameters:
    ///   - columns: The column headers.
    ///   - rows: The rows.
    ///   - rightAligned: The indices of numeric columns.
    public init(columns: [String], rows: [[String]], rightAligned: Set<Int> = []) {
        self.columns = columns
        self.rows = rows
        self.rightAligned = rightAligned
    }

    /// The table, lines ending in `\n`.
    public var text: String {
        let widths = columns.indices.map { column in
            ([columns] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        let line = { (cells: [String]) -> String in
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: max(0, widths[column] - cell.count))
                return self.rightAligned.contains(column) ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        return line(columns) + rule + rows.map(line).joined()
    }
}

extension String {
    /// The string without spaces at its end.
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
