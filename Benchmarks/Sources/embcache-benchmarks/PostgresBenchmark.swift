import EmbeddingCache
import EmbeddingCachePostgres
import EmbeddingCacheSQLite
import Foundation
import PostgresNIO

/// The PostgreSQL store over loopback: a batch get of 800 keys from a warm table of `entries`
/// 384-float32 records and a batch put of 800, each next to the SQLite store doing the same in
/// this run; then one, two and four `embcache embed` processes writing into one database.
struct PostgresBenchmark {
    let url: String
    let entries: Int
    let embcache: String

    static let namespace = Namespace(model: "bench", preprocessing: "raw")

    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        var configuration = try PostgresEmbeddingStore.Configuration(url: url)
        configuration.schema = "bench_\(UInt32.random(in: 0...UInt32.max))"
        var oneStatement = configuration
        oneStatement.lookupConnections = 1
        let sqlite = try SQLiteEmbeddingStore(path: context.path("postgres-baseline.sqlite"))
        let figures = try await PostgresEmbeddingStore.withStore(configuration) { store in
            try await PostgresEmbeddingStore.withStore(oneStatement) { single in
                try await Self.fill(store, configuration, entries: entries)
                try await Self.fill(sqlite, entries: entries)
                return (
                    get: try await Self.measureGets([store, single, sqlite], entries: entries),
                    server: try await Self.measureServer(configuration, entries: entries),
                    put: try await Self.measurePuts(store, sqlite)
                )
            }
        }
        let label = entries >= 1_000_000 ? "\(entries / 1_000_000) M" : "\(entries / 1000) K"
        let (split, single, baseline) = (figures.get[0], figures.get[1], figures.get[2])
        table.add(
            "postgres: batch get of 800 keys, \(label) entries, one statement (p50)",
            embcache: "\(Timing.format(single * 1e3)) ms",
            baseline: "SQLite \(Timing.format(baseline * 1e3)) ms",
            ratio: "\(Timing.format(single / baseline))× SQLite's time",
            target: "≤ 10 ms"
        )
        table.add(
            "postgres: the same statement's server execution (EXPLAIN ANALYZE, p50)",
            embcache: "\(Timing.format(figures.server * 1e3)) ms",
            baseline: "one statement \(Timing.format(single * 1e3)) ms",
            ratio: "\(Timing.format(figures.server / single))× the statement's time",
            target: "—"
        )
        table.add(
            "postgres: batch get of 800 keys, \(label) entries, \(configuration.lookupConnections) connections (p50)",
            embcache: "\(Timing.format(split * 1e3)) ms",
            baseline: "SQLite \(Timing.format(baseline * 1e3)) ms; one statement \(Timing.format(single * 1e3)) ms",
            ratio:
                "\(Timing.format(split / baseline))× SQLite's time, \(Timing.format(split / single))× one statement's",
            target: "≤ 10 ms"
        )
        table.add(
            "postgres: batch put of 800 records (p50)",
            embcache: "\(Int(800 / figures.put.postgres)) records/s",
            baseline: "SQLite \(Int(800 / figures.put.sqlite)) records/s",
            ratio: "\(Timing.format(figures.put.sqlite / figures.put.postgres))× SQLite's rate",
            target: "≥ 20 000 records/s"
        )
        try await ProcessScaling(url: url, embcache: embcache).run(context, into: &table)
        let schemaTag = UInt32.random(in: 0...UInt32.max)
        try await SharedInputsBenchmark(kind: "postgres", embcache: embcache, baseline: nil) {
            "\(url)?schema=\($0.replacingOccurrences(of: "-", with: "_"))_\(schemaTag)"
        }.run(context, into: &table)
    }

    /// The digest of record `index`: SHA-256 of its 8 big-endian bytes.
    static func digest(_ index: Int) -> ContentDigest {
        withUnsafeBytes(of: Int64(index).bigEndian) { ContentDigest(of: Data($0)) }
    }

    /// A sealed 384-float32 record for `digest`.
    static func entry(_ digest: ContentDigest, seed: Int = 0) -> StoreEntry {
        let payload = RecordCodec.encode(
            TensorRecord(single: Tensor(float32: (0..<384).map { Float($0 + seed) }))
        )
        let checksum = RecordChecksum(namespace: namespace).checksum(of: payload, digest: digest)
        return StoreEntry(digest: digest, record: StoredRecord(payload: payload, checksum: checksum))
    }

    /// Fills the PostgreSQL table through the store, 10 000 records per put, so every record is
    /// real (its checksum verifies) and stored once, as a cache written by its users is; then
    /// settles it as a long-lived table is: `VACUUM ANALYZE` (as autovacuum does), a `CHECKPOINT`
    /// (so no write-back of the fill competes with the reads measured), and `pg_prewarm` of the
    /// table and its key index into shared buffers, as much as they hold (a warm table).
    static func fill(
        _ store: PostgresEmbeddingStore,
        _ configuration: PostgresEmbeddingStore.Configuration,
        entries: Int
    ) async throws {
        for start in stride(from: 0, to: entries, by: 10_000) {
            try await store.put((start..<min(start + 10_000, entries)).map { entry(digest($0)) }, in: namespace)
        }
        try await withPostgresClient(benchmarkClient(configuration)) { client in
            _ = try await client.query("VACUUM ANALYZE embcache_entry")
            _ = try await client.query("CHECKPOINT")
            _ = try await client.query("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            _ = try await client.query("SELECT pg_prewarm('embcache_entry_pkey'), pg_prewarm('embcache_entry')")
        }
    }

    /// A plain client on the store's server and schema, for SQL the store does not run.
    static func benchmarkClient(_ configuration: PostgresEmbeddingStore.Configuration) -> PostgresClient.Configuration {
        var client = PostgresClient.Configuration(
            host: configuration.host,
            port: configuration.port,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: .disable
        )
        client.options.additionalStartupParameters = [("search_path", configuration.schema!)]
        return client
    }

    /// Fills the SQLite baseline through its store API, 20 000 records per transaction.
    static func fill(_ store: SQLiteEmbeddingStore, entries: Int) async throws {
        for start in stride(from: 0, to: entries, by: 20_000) {
            try await store.put((start..<min(start + 20_000, entries)).map { entry(digest($0)) }, in: namespace)
        }
    }

    /// The median seconds of a verified 800-key batch get from each store, the stores taking turns
    /// batch by batch so that the machine's noise falls on all of them alike. Each store reads
    /// batches of its own (keys no other store read first), 40 measured after 5 for warm-up.
    static func measureGets(_ stores: [any EmbeddingStore], entries: Int) async throws -> [Double] {
        let batches = stores.indices.map { keyBatches(seed: 7 + UInt64($0), count: 45, entries: entries) }
        let checksum = RecordChecksum(namespace: namespace)
        var times = Array(repeating: [Double](), count: stores.count)
        for index in 0..<45 {
            for (position, store) in stores.enumerated() {
                let batch = batches[position][index]
                let seconds = try await Timing.seconds(repeats: 1) {
                    for (digest, stored) in zip(batch, try await store.records(for: batch, in: namespace)) {
                        guard let stored, checksum.open(stored, digest: digest) != nil else {
                            throw BenchmarkFailure("a stored record did not verify")
                        }
                    }
                }
                if index >= 5 { times[position] += seconds }
            }
        }
        return times.map { Timing.percentile($0, 0.5) }
    }

    /// `count` batches of 800 random keys among the table's `entries`.
    static func keyBatches(seed: UInt64, count: Int, entries: Int) -> [[ContentDigest]] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in (0..<800).map { _ in digest(Int(generator.next() % UInt64(entries))) } }
    }

    /// The median server execution time of the store's lookup statement for 800 keys not read
    /// before, as `EXPLAIN (ANALYZE)` reports it: the part of a batch get spent in the server.
    static func measureServer(
        _ configuration: PostgresEmbeddingStore.Configuration,
        entries: Int
    ) async throws -> Double {
        let batches = keyBatches(seed: 99, count: 20, entries: entries)
        return try await withPostgresClient(benchmarkClient(configuration)) { client in
            var times = [Double]()
            for batch in batches {
                let digests = batch.map { $0.withUnsafeBytes { ByteBuffer(bytes: $0) } }
                let rows = try await client.query(
                    """
                    EXPLAIN (ANALYZE, FORMAT JSON) SELECT digest, payload, checksum, last_used FROM embcache_entry
                    WHERE namespace_id = (SELECT id FROM embcache_namespace WHERE model = 'bench') AND digest = ANY(\(digests))
                    """
                )
                for try await plan in rows.decode(String.self) {
                    let object = try JSONSerialization.jsonObject(with: Data(plan.utf8)) as? [[String: Any]]
                    guard let milliseconds = object?.first?["Execution Time"] as? Double else {
                        throw BenchmarkFailure("EXPLAIN printed no execution time")
                    }
                    times.append(milliseconds / 1e3)
                }
            }
            return Timing.percentile(times, 0.5)
        }
    }

    /// The median seconds of an 800-record batch put of new keys, PostgreSQL then SQLite.
    static func measurePuts(
        _ store: PostgresEmbeddingStore,
        _ sqlite: SQLiteEmbeddingStore
    ) async throws -> (postgres: Double, sqlite: Double) {
        func seconds(_ store: any EmbeddingStore, base: Int) async throws -> Double {
            let batches = (0..<20).map { batch in
                (0..<800).map { entry(digest(base + batch * 800 + $0), seed: batch) }
            }
            var index = 0
            let times = try await Timing.seconds(repeats: batches.count) {
                try await store.put(batches[index], in: namespace)
                index += 1
            }
            return Timing.percentile(times, 0.5)
        }
        return (try await seconds(store, base: 1 << 40), try await seconds(sqlite, base: 1 << 40))
    }
}

/// Runs `body` with a running client, then shuts it down.
func withPostgresClient<Result: Sendable>(
    _ configuration: PostgresClient.Configuration,
    _ body: (PostgresClient) async throws -> Result
) async throws -> Result {
    let client = PostgresClient(configuration: configuration)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(client)
    }
}
