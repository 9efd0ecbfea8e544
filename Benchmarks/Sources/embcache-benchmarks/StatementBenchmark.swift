import EmbeddingCache
import EmbeddingCacheSQLite
import Foundation
import GRDB

/// The SQLite store's batch lookup against the same lookup written the way GRDB documents it, on
/// one file: what the store's reads below GRDB are worth (the read transaction begun and
/// committed with statements kept on the connection, the lookup statement driven through the C
/// API without GRDB's rows, payloads read from the memory-mapped file).
///
/// Both sides look up the same 800 random keys of a 10 000-entry store of 384-float32 records in
/// one read transaction and return every payload with its checksum, unverified. The GRDB side
/// runs `DatabasePool.read` with a cached statement and `Row.fetchOne`, on a pool opened with
/// GRDB's defaults; the namespace's id is read once beforehand, as the store caches it. The two
/// alternate, batch by batch, so both see the same machine.
struct StatementBenchmark {
    let entries = 10_000
    let batches = 60

    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let path = context.path("statements.sqlite")
        let fill = LookupBenchmark(entries: entries)
        _ = try await fill.fill(path, RecordChecksum(namespace: fill.namespace))
        let store = try SQLiteEmbeddingStore(path: path)
        var configuration = GRDB.Configuration()
        configuration.readonly = true
        let pool = try DatabasePool(path: path, configuration: configuration)
        let namespaceID = try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM namespace") }
        guard let namespaceID else { throw BenchmarkFailure("the filled store has no namespace") }
        var generator = SplitMix64(seed: 7)
        let keys = (0..<batches).map { _ in
            (0..<800).map { _ in LookupBenchmark.digest(Int(generator.next() % UInt64(entries))) }
        }
        var storeSeconds = [Double]()
        var grdbSeconds = [Double]()
        for (index, digests) in keys.enumerated() {
            // Every batch runs once on each side untimed first, so both find its pages cached.
            _ = try store.recordsSynchronously(for: digests, in: fill.namespace)
            _ = try await Self.grdbLookup(digests, namespaceID: namespaceID, pool)
            let storeTime = try await Timing.seconds(repeats: 1) {
                let found = try store.recordsSynchronously(for: digests, in: fill.namespace)
                guard found.allSatisfy({ $0 != nil }) else { throw BenchmarkFailure("the store missed a key") }
            }
            let grdbTime = try await Timing.seconds(repeats: 1) {
                let found = try await Self.grdbLookup(digests, namespaceID: namespaceID, pool)
                guard found.allSatisfy({ $0 != nil }) else { throw BenchmarkFailure("GRDB missed a key") }
            }
            // Alternate which side runs first, so neither always follows the other.
            if index.isMultiple(of: 2) {
                storeSeconds += storeTime
                grdbSeconds += grdbTime
            } else {
                grdbSeconds += grdbTime
                storeSeconds += storeTime
            }
        }
        let storeMedian = Timing.percentile(storeSeconds, 0.5) * 1e6 / 800
        let grdbMedian = Timing.percentile(grdbSeconds, 0.5) * 1e6 / 800
        table.add(
            "SQLite batch lookup of 800 keys, 10 K entries (per key, median of \(batches) batches): "
                + "the store's reads below GRDB vs GRDB's DatabasePool.read + Row.fetchOne, same file and SQL",
            embcache: "\(Timing.format(storeMedian)) µs",
            baseline: "\(Timing.format(grdbMedian)) µs",
            ratio: "\(Timing.format(storeMedian / grdbMedian))× the time",
            target: "< 1× (else use GRDB)"
        )
    }

    /// The lookup as GRDB documents it: one read transaction, a cached statement, a row per key.
    private static func grdbLookup(
        _ digests: [ContentDigest],
        namespaceID: Int64,
        _ pool: DatabasePool
    ) async throws -> [StoredRecord?] {
        try await pool.read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT payload, checksum FROM entry WHERE namespace_id = ? AND digest = ?"
            )
            return try digests.map { digest in
                try Row.fetchOne(statement, arguments: [namespaceID, Data(digest.bytes)]).map { row in
                    StoredRecord(payload: row[0], checksum: UInt32(truncatingIfNeeded: row[1] as Int64))
                }
            }
        }
    }
}
