internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import FoundationEssentials
internal import GRDB
internal import Testing

/// Last-use times are coarse: reads write only when the recorded use is older than the interval.
struct SQLiteTouchTests {
    private let namespace = Fixtures.namespace

    /// Another connection's view: `data_version` changes whenever some other connection commits.
    private struct Observer {
        let database: DatabaseQueue

        func dataVersion() throws -> Int {
            try database.inDatabase { try Int.fetchOne($0, sql: "PRAGMA data_version")! }
        }

        func lastUsed() throws -> [Int64] {
            try database.inDatabase { try Int64.fetchAll($0, sql: "SELECT last_used FROM entry ORDER BY rowid") }
        }
    }

    @Test func warmReadsWithinTheIntervalDoNotWrite() async throws {
        let folder = try TemporaryFolder()
        let clock = TestClock()
        let store = try folder.store(clock: clock)
        let entries = (0..<3).map { Fixtures.entry(seed: $0) }
        try await store.put(entries, in: namespace)
        let observer = try Observer(database: DatabaseQueue(path: folder.databasePath))
        let written = try observer.lastUsed()
        let version = try observer.dataVersion()

        clock.advance(by: 600)
        _ = try await store.records(for: entries.map(\.digest) + [Fixtures.digest(seed: 99)], in: namespace)
        _ = try await store.records(for: entries.map(\.digest), in: namespace)
        #expect(try observer.dataVersion() == version, "a warm read wrote to the database")
        #expect(try observer.lastUsed() == written)

        clock.advance(by: 3600)
        _ = try await store.records(for: [entries[1].digest, entries[1].digest], in: namespace)
        #expect(try observer.dataVersion() != version, "a read after the interval did not record the use")
        let now = Int64(clock.now().timeIntervalSince1970 * 1000)
        #expect(try observer.lastUsed() == [written[0], now, written[2]])

        let touched = try observer.dataVersion()
        _ = try await store.records(for: [entries[1].digest], in: namespace)
        #expect(try observer.dataVersion() == touched, "a re-read right after the touch wrote again")
    }

    /// A cache looks keys up synchronously, inside its digest pass; the uses those lookups find
    /// are written once the pass is over.
    @Test func lookupsInsideTheCachesDigestPassRecordTheirUses() async throws {
        let folder = try TemporaryFolder()
        let clock = TestClock()
        let cache = EmbeddingCache(store: try folder.store(clock: clock), encoder: CountingEncoder())
        let inputs = (0..<40).map { EmbeddingInput.text("input-\($0)", label: "input-\($0)") }
        _ = try await cache.results(for: inputs)
        let observer = try Observer(database: DatabaseQueue(path: folder.databasePath))
        let written = try observer.lastUsed()
        #expect(written.count == 40)

        clock.advance(by: 7200)
        let warm = try await cache.results(for: Array(inputs.prefix(10)))
        #expect(warm.counters.hits == 10)
        let now = Int64(clock.now().timeIntervalSince1970 * 1000)
        #expect(try observer.lastUsed().filter { $0 == now }.count == 10)
        #expect(try observer.lastUsed().filter { written.contains($0) }.count == 30)
    }

    @Test func configuredIntervalIsHonoured() async throws {
        let folder = try TemporaryFolder()
        let clock = TestClock()
        let store = try folder.store(clock: clock) { $0.touchInterval = .seconds(10) }
        let entry = Fixtures.entry(seed: 1)
        try await store.put([entry], in: namespace)
        let observer = try Observer(database: DatabaseQueue(path: folder.databasePath))
        let written = try observer.lastUsed()
        clock.advance(by: 9)
        _ = try await store.records(for: [entry.digest], in: namespace)
        #expect(try observer.lastUsed() == written)
        clock.advance(by: 2)
        _ = try await store.records(for: [entry.digest], in: namespace)
        #expect(try observer.lastUsed() == [written[0] + 11_000])
    }
}
