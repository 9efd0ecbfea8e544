internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import Foundation
internal import GRDB
internal import Testing

/// The SQLite store's leases pass the same checks as PostgreSQL's: each store instance on one file
/// plays a host, as processes sharing the file do.
struct SQLiteLeasingConformanceTests {
    @Test(arguments: LeasingConformance.checks)
    func leasing(check: LeasingConformance.Check) async throws {
        let folder = try TemporaryFolder()
        try await check.run { try SQLiteEmbeddingStore(path: folder.databasePath) }
    }
}

/// Leases whose holder's process died on this host are free at once; others wait for expiry.
struct SQLiteDeadProcessLeaseTests {
    /// A process that has exited, so its id names no process (until the system reuses it).
    static func exitedProcessID() throws -> Int64 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return Int64(process.processIdentifier)
    }

    /// Rewrites every lease of the file as held by `pid` on `host`, as another process would have.
    static func handLeases(to pid: Int64, host: String?, in path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "UPDATE claim SET pid = ?, holder = randomblob(16)", arguments: [pid])
            if let host { try db.execute(sql: "UPDATE claim SET host = ?", arguments: [host]) }
        }
    }

    @Test func aDeadProcessesLeasesOnThisHostAreGrantedAtOnce() async throws {
        let folder = try TemporaryFolder()
        let digests = (0..<3).map { Fixtures.digest(seed: $0) }
        let first = try SQLiteEmbeddingStore(path: folder.databasePath)
        #expect(try await first.claim(digests, in: Fixtures.namespace, for: .seconds(600)) == [true, true, true])
        try Self.handLeases(to: try Self.exitedProcessID(), host: nil, in: folder.databasePath)
        let second = try SQLiteEmbeddingStore(path: folder.databasePath)
        #expect(try await second.claim(digests, in: Fixtures.namespace, for: .seconds(600)) == [true, true, true])
    }

    @Test func aLiveProcessesLeasesAndAnotherHostsAreKeptUntilTheyExpire() async throws {
        let folder = try TemporaryFolder()
        let digest = Fixtures.digest(seed: 9)
        let first = try SQLiteEmbeddingStore(path: folder.databasePath)
        #expect(try await first.claim([digest], in: Fixtures.namespace, for: .seconds(600)) == [true])
        // Process 1 always runs; an exited process on another host cannot be checked from here.
        try Self.handLeases(to: 1, host: nil, in: folder.databasePath)
        let second = try SQLiteEmbeddingStore(path: folder.databasePath)
        #expect(try await second.claim([digest], in: Fixtures.namespace, for: .seconds(600)) == [false])
        try Self.handLeases(to: try Self.exitedProcessID(), host: "another-host.invalid", in: folder.databasePath)
        #expect(try await second.claim([digest], in: Fixtures.namespace, for: .seconds(600)) == [false])
    }
}
