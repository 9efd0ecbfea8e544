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
        let sqlite = try SQLiteEmbeddingStore(path: context.path("postgres-baseline.sqlite"))
        let figures = try await PostgresEmbeddingStore.withStore(configuration) { store in
            try await Self.fill(store, configuration, entries: entries)
            try await Self.fill(sqlite, entries: entries)
            return (
                get: try await Self.measureGets(store, sqlite, entries: entries),
                put: try await Self.measurePuts(store, sqlite)
            )
        }
        let label = entries >= 1_000_000 ? "\(entries / 1_000_000) M" : "\(entries / 1000) K"
        table.add(
            "postgres: batch get of 800 keys, \(label) entries (p50)",
            embcache: "\(Timing.format(figures.get.postgres * 1e3)) ms",
            baseline: "SQLite \(Timing.format(figures.get.sqlite * 1e3)) ms",
            ratio: "\(Timing.format(figures.get.postgres / figures.get.sqlite))× SQLite's time",
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
    }

    /// The digest of record `index`: SHA-256 of its 8 big-endian bytes, as the server computes it
    /// with `sha256(int8send(index))`.
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

    /// Fills the PostgreSQL table server-side in one `INSERT … SELECT` from `generate_series`,
    /// digests by `sha256()`. Those rows carry a placeholder checksum; the keys the benchmark
    /// reads are then rewritten through the store with real ones.
    static func fill(
        _ store: PostgresEmbeddingStore,
        _ configuration: PostgresEmbeddingStore.Configuration,
        entries: Int
    ) async throws {
        try await store.put([entry(digest(0))], in: namespace)
        var client = PostgresClient.Configuration(
            host: configuration.host,
            port: configuration.port,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: .disable
        )
        client.options.additionalStartupParameters = [("search_path", configuration.schema!)]
        let payload = ByteBuffer(bytes: entry(digest(0)).record.payload)
        try await withPostgresClient(client) { client in
            try await client.query(
                """
                INSERT INTO embcache_entry (namespace_id, digest, payload, checksum, size, created, last_used)
                SELECT n.id, sha256(int8send(i)), \(payload), 0, \(payload.readableBytes), 0, 0
                FROM generate_series(1, \(Int64(entries - 1))) AS i, embcache_namespace AS n
                WHERE n.model = 'bench'
                """
            )
            try await client.query("VACUUM ANALYZE embcache_entry")
        }
    }

    /// Fills the SQLite baseline through its store API, 20 000 records per transaction.
    static func fill(_ store: SQLiteEmbeddingStore, entries: Int) async throws {
        for start in stride(from: 0, to: entries, by: 20_000) {
            try await store.put((start..<min(start + 20_000, entries)).map { entry(digest($0)) }, in: namespace)
        }
    }

    /// The median seconds of a verified 800-key batch get, PostgreSQL then SQLite.
    static func measureGets(
        _ store: PostgresEmbeddingStore,
        _ sqlite: SQLiteEmbeddingStore,
        entries: Int
    ) async throws -> (postgres: Double, sqlite: Double) {
        var generator = SplitMix(seed: 7)
        let batches = (0..<40).map { _ in (0..<800).map { _ in digest(Int(generator.next() % UInt64(entries))) } }
        for batch in batches { try await store.put(batch.map { entry($0) }, in: namespace) }
        let checksum = RecordChecksum(namespace: namespace)
        func seconds(_ store: any EmbeddingStore) async throws -> Double {
            for batch in batches.prefix(5) { _ = try await store.records(for: batch, in: namespace) }
            var index = 0
            let times = try await Timing.seconds(repeats: batches.count) {
                let batch = batches[index]
                index += 1
                for (digest, stored) in zip(batch, try await store.records(for: batch, in: namespace)) {
                    guard let stored, checksum.open(stored, digest: digest) != nil else {
                        throw BenchmarkFailure("a stored record did not verify")
                    }
                }
            }
            return Timing.percentile(times, 0.5)
        }
        return (try await seconds(store), try await seconds(sqlite))
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
