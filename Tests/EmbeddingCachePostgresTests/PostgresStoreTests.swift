import EmbeddingCache
import EmbeddingCachePostgres
import EmbeddingCacheTesting
import Foundation
import PostgresNIO
import Testing

@Suite(.enabled(if: TestDatabase.enabled, TestDatabase.skipReason))
struct PostgresStoreTests {
    static func inputs(_ count: Int) -> [EmbeddingInput] {
        (0..<count).map { .text("input-\($0)", label: "input-\($0)") }
    }

    @Test func aRecordCorruptedInTheDatabaseIsDetectedReencodedAndReplaced() async throws {
        let configuration = try TestDatabase.configuration()
        try await TestDatabase.withStores { makeStore in
            let encoder = CountingEncoder()
            let cache = EmbeddingCache(store: makeStore(configuration), encoder: encoder)
            _ = try await cache.records(for: Self.inputs(10))
            let digest = ByteBuffer(bytes: ContentDigest(ofText: "input-3").bytes)
            try await TestDatabase.execute(
                "UPDATE embcache_entry SET payload = set_byte(payload, 20, get_byte(payload, 20) # 1) WHERE digest = \(digest)",
                schema: configuration.schema
            )
            let second = try await cache.results(for: Self.inputs(10))
            #expect(second.counters.corrupt == 1 && second.counters.encoded == 1 && second.counters.hits == 9)
            let expected = encoder.expectedVector(for: Array("input-3".utf8))
            #expect(try second.results[3].get()["embedding"]!.floatValues() == expected)
            let third = try await cache.results(for: Self.inputs(10))
            #expect(third.counters.hits == 10 && third.counters.corrupt == 0)
        }
    }

    @Test(arguments: [1, 2, 4])
    func aLargeLookupSplitAcrossConnectionsAnswersEveryKeyInOrder(connections: Int) async throws {
        var configuration = try TestDatabase.configuration()
        configuration.lookupConnections = connections
        try await TestDatabase.withStores { makeStore in
            let store = makeStore(configuration)
            let entries = (0..<1200).map { Fixtures.entry(seed: UInt64($0)) }
            try await store.put(entries, in: Fixtures.namespace)
            // Stored keys in a scrambled order, each asked twice, and 100 keys never stored.
            let asked = (0..<1300).map { (($0 * 7919) % 1300) } + (0..<50).map { $0 * 3 }
            let digests = asked.map { Fixtures.digest(seed: UInt64($0)) }
            let found = try await store.records(for: digests, in: Fixtures.namespace)
            #expect(found.count == asked.count)
            let expected = asked.map { $0 < 1200 ? entries[$0].record : nil }
            #expect(found == expected)
        }
    }

    @Test func storesStartingTogetherMigrateOnce() async throws {
        let configuration = try TestDatabase.configuration()
        try await TestDatabase.withStores { makeStore in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<6 {
                    let store = makeStore(configuration)
                    group.addTask { _ = try await store.statistics() }
                }
                try await group.waitForAll()
            }
        }
        let versions = try await TestDatabase.execute(
            "SELECT version FROM embcache_schema",
            schema: configuration.schema
        )
        #expect(versions == [1, 2, 3])
    }

    @Test func aSchemaFromANewerVersionIsRefused() async throws {
        let configuration = try TestDatabase.configuration()
        try await TestDatabase.withStores { makeStore in
            try await makeStore(configuration).put([Fixtures.entry(seed: 1)], in: Fixtures.namespace)
            try await TestDatabase.execute("INSERT INTO embcache_schema VALUES (99)", schema: configuration.schema)
            let error = await #expect(throws: EmbeddingCacheError.self) {
                _ = try await makeStore(configuration).statistics()
            }
            #expect(error?.code == .storeIncompatible)
            #expect(error?.message.contains("newer version") == true)
        }
    }

    @Test func errorsNameTheServerButNeverThePassword() async throws {
        var configuration = try TestDatabase.configuration()
        configuration.password = "wrong-secret"
        configuration.connectTimeout = .seconds(2)
        try await TestDatabase.withStores { makeStore in
            let error = await #expect(throws: EmbeddingCacheError.self) {
                _ = try await makeStore(configuration).records(for: [Fixtures.digest(seed: 1)], in: Fixtures.namespace)
            }
            #expect(error?.code == .storeFailed)
            let text = error.map { "\($0) \($0.debugDescription)" } ?? ""
            #expect(text.contains("postgres://") && !text.contains("wrong-secret"))
        }
    }

    @Test func connectionsDroppedMidRunFailClearlyOrRetryAndNeverLeaveAHalfStoredRecord() async throws {
        let configuration = try TestDatabase.configuration()
        try await TestDatabase.withStores { makeStore in
            let inputs = Self.inputs(400)
            let store = makeStore(configuration)
            _ = try await store.statistics()
            let cache = EmbeddingCache(
                store: store,
                encoder: CountingEncoder(dimension: 384, batchSize: 16, delay: .milliseconds(15))
            )
            async let run: Result<BatchResult, any Error> = {
                do { return .success(try await cache.results(for: inputs)) } catch { return .failure(error) }
            }()
            // Wait until batches are landing, so the connections dropped are the run's own.
            let deadline = ContinuousClock.now + .seconds(60)
            while try await TestDatabase.execute(
                "SELECT count(*)::int FROM embcache_entry",
                schema: configuration.schema
            )
            .first ?? 0 < 32, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await TestDatabase.execute(
                """
                SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity
                WHERE application_name = \(configuration.applicationName)
                """,
                schema: nil
            )
            switch await run {
            case .success(let result):
                #expect(result.counters.failed == 0)
            case .failure(let error as EmbeddingCacheError):
                #expect(error.code == .storeFailed)
                #expect(error.message.contains(configuration.redactedURL))
            case .failure(let error):
                Issue.record("unexpected error type: \(type(of: error))")
            }
            let stored = try await cache.store.statistics().totalEntries
            let after = try await cache.results(for: inputs)
            #expect(after.counters.corrupt == 0 && after.counters.failed == 0)
            #expect(after.counters.hits == stored && after.counters.encoded == 400 - stored)
        }
    }
}
