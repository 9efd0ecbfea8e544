import Foundation
import Testing

/// A store on the throwaway PostgreSQL server `Scripts/test.sh` starts, in a schema of its own,
/// with `psql` to inspect or damage it from outside embcache.
struct PostgresTestStore {
    /// Whether the PostgreSQL tests run: with `EMBCACHE_TEST_POSTGRES_URL`, and always in CI
    /// (where a missing URL fails them).
    static let enabled =
        ProcessInfo.processInfo.environment["EMBCACHE_TEST_POSTGRES_URL"] != nil
        || ProcessInfo.processInfo.environment["CI"] != nil

    /// Why the PostgreSQL tests are skipped locally.
    static let skipReason: Comment =
        "EMBCACHE_TEST_POSTGRES_URL is not set: run Scripts/test.sh, which starts a throwaway PostgreSQL"

    /// The server's URL, with its password.
    let server: String
    /// The schema holding this store's tables.
    let schema: String

    /// A store in a new schema of the test server.
    init() throws {
        server = try #require(
            ProcessInfo.processInfo.environment["EMBCACHE_TEST_POSTGRES_URL"],
            "EMBCACHE_TEST_POSTGRES_URL must be set in CI (Scripts/test.sh sets it)"
        )
        schema = "cli_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
    }

    /// The `--store` URL; the store's connections carry the schema's name as their application
    /// name, so that the server shows which test they belong to.
    var url: String { "\(server)?schema=\(schema)&application_name=\(schema)" }

    /// The server's password, which no report or message may show.
    var password: String { URLComponents(string: server)?.password ?? "" }

    /// Runs `sql` with `psql` in this store's schema and returns what it prints, unaligned and
    /// without headers (`-At`); expects `psql` to succeed.
    @discardableResult
    func psql(_ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "psql", server, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", "SET search_path TO \(schema)", "-c", sql,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "psql \(sql)")
        return String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The number of stored entries, counted by the server.
    func entryCount() throws -> Int? { Int(try psql("SELECT count(*) FROM embcache_entry")) }

    /// SHA-256 of a file's bytes in hex, computed by `sha256sum` (not by embcache).
    static func sha256(ofFileAt path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: printed, as: UTF8.self).prefix(64))
    }
}
