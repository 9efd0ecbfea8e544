import Foundation
import Testing

/// Changes a store file behind embcache's back with the sqlite3 shell (installed by
/// `Scripts/test.sh`), as an operator or a failing disk would.
enum SQLiteShell {
    /// Runs `sql` on the database at `path` and expects the shell to succeed.
    static func run(_ path: String, _ sql: String) throws {
        _ = try output(path, sql)
    }

    /// Runs `sql` on the database at `path`, expects the shell to succeed and returns what it printed.
    static func output(_ path: String, _ sql: String) throws -> String {
        let shell = Process()
        let pipe = Pipe()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        shell.arguments = ["sqlite3", path, sql]
        shell.standardOutput = pipe
        try shell.run()
        let printed = pipe.fileHandleForReading.readDataToEndOfFile()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0, "sqlite3 \(sql)")
        return String(decoding: printed, as: UTF8.self)
    }

    /// The byte offsets in the file of the first `count` leaf pages of `table`'s b-tree.
    static func leafPageOffsets(_ path: String, of table: String, count: Int, pageSize: Int = 8192) throws -> [UInt64] {
        let pages = try output(
            path,
            "SELECT pageno FROM dbstat WHERE name = '\(table)' AND pagetype = 'leaf' ORDER BY pageno LIMIT \(count);"
        )
        return pages.split(separator: "\n").compactMap { UInt64($0) }.map { ($0 - 1) * UInt64(pageSize) }
    }

    /// Flips one byte inside the inline payload of the entry at `rowid`.
    static func corruptPayload(_ path: String, rowid: Int) throws {
        try run(
            path,
            "UPDATE entry SET payload = substr(payload, 1, 100) || x'ff' || substr(payload, 102) WHERE rowid = \(rowid);"
        )
    }
}
