import Foundation
import Testing

/// Changes a store file behind embcache's back with the sqlite3 shell (installed by
/// `Scripts/test.sh`), as an operator or a failing disk would.
enum SQLiteShell {
    /// Runs `sql` on the database at `path` and expects the shell to succeed.
    static func run(_ path: String, _ sql: String) throws {
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        shell.arguments = ["sqlite3", path, sql]
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0, "sqlite3 \(sql)")
    }

    /// Flips one byte inside the inline payload of the entry at `rowid`.
    static func corruptPayload(_ path: String, rowid: Int) throws {
        try run(
            path,
            "UPDATE entry SET payload = substr(payload, 1, 100) || x'ff' || substr(payload, 102) WHERE rowid = \(rowid);"
        )
    }
}
