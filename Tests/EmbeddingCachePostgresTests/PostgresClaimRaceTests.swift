import EmbeddingCache
import EmbeddingCachePostgres
import EmbeddingCacheTesting
import Foundation
import PostgresNIO
import Testing

/// A claim that waits on another host's lease while that host stores the key and releases it.
///
/// The claim statement checks for a stored record in its own snapshot, taken before it waited,
/// but meets the lease as it is once the wait ends: without a second look, it was granted a key
/// whose record had just been stored, and its host encoded the key again.
@Suite(.enabled(if: TestDatabase.enabled, TestDatabase.skipReason))
struct PostgresClaimRaceTests {
    @Test func aKeyStoredAndReleasedWhileAClaimWaitsIsNotGranted() async throws {
        let configuration = try TestDatabase.configuration()
        let schema = configuration.schema
        let entry = Fixtures.entry(seed: 21)
        try await TestDatabase.withStores { makeStore in
            let (first, second) = (makeStore(configuration), makeStore(configuration))
            #expect(try await first.claim([entry.digest], in: Fixtures.namespace, for: .seconds(60)) == [true])
            // Another session locks the first host's lease, so the second claim waits on it.
            let (locked, lockedContinuation) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
            async let holder: Void = TestDatabase.withConnection(schema: schema) { connection in
                let logger = Logger(label: "embcache-tests")
                try await connection.query("BEGIN", logger: logger)
                try await connection.query("SELECT 1 FROM embcache_claim FOR UPDATE", logger: logger)
                lockedContinuation.yield()
                for await _ in release { break }
                // The first host's release, in the locking session: the lease is gone when it commits.
                try await connection.query("DELETE FROM embcache_claim", logger: logger)
                try await connection.query("COMMIT", logger: logger)
            }
            for await _ in locked { break }
            async let secondClaim = second.claim([entry.digest], in: Fixtures.namespace, for: .seconds(60))
            try await Self.waitForALockWait(application: configuration.applicationName)
            try await first.put([entry], in: Fixtures.namespace)
            releaseContinuation.yield()
            try await holder
            #expect(try await secondClaim == [false])
            #expect(
                await (try? first.records(for: [entry.digest], in: Fixtures.namespace))?.first??.payload
                    == entry.record.payload
            )
        }
    }

    /// Waits until a session of `application` waits on a lock (the second claim, blocked).
    private static func waitForALockWait(application: String) async throws {
        for _ in 0..<500 {
            let waiting = try await TestDatabase.execute(
                "SELECT count(*)::int FROM pg_stat_activity WHERE application_name = \(application) AND wait_event_type = 'Lock'",
                schema: nil
            )
            if waiting.first ?? 0 > 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the second claim never waited on the first host's lease")
    }
}
