import EmbeddingCache
import EmbeddingCacheSQLite
import Foundation

/// Warm lookups of 384-float32 records in a SQLite store of `entries` records, through the store's
/// public API with the checksum verified, against the seed's DuckDB cache filled alike.
struct LookupBenchmark {
    let entries: Int
    let namespace = Namespace(model: "bench", preprocessing: "raw")

    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let path = context.path("lookup-\(entries).sqlite")
        let checksum = RecordChecksum(namespace: namespace)
        try await fill(path, checksum)
        // Closing the filled store checkpoints the WAL into the file: its size is what stays on disk.
        let bytesPerEntry = Double(FileSize.of(path)) / Double(entries)
        let store = try SQLiteEmbeddingStore(path: path)
        var generator = SplitMix(seed: 42)
        let batches = (0..<40).map { _ in (0..<800).map { _ in Self.digest(Int(generator.next() % UInt64(entries))) } }
        let singles = (0..<4000).map { _ in Self.digest(Int(generator.next() % UInt64(entries))) }

        func fetch(_ digests: [ContentDigest]) async throws {
            let found = try await store.records(for: digests, in: namespace)
            for (digest, stored) in zip(digests, found) {
                guard let stored, checksum.open(stored, digest: digest) != nil else {
                    throw BenchmarkFailure("a stored record did not verify")
                }
            }
        }
        // Warm: every key is looked up once before timing, so its pages are in the page cache and
        // mapped into this process (a first touch of a mapped page costs a minor fault).
        var firstIndex = 0
        let firstTouch = try await Timing.seconds(repeats: batches.count) {
            try await fetch(batches[firstIndex])
            firstIndex += 1
        }
        for key in singles { try await fetch([key]) }
        var batchIndex = 0
        let batchSeconds = try await Timing.seconds(repeats: batches.count) {
            try await fetch(batches[batchIndex])
            batchIndex += 1
        }
        var singleIndex = 0
        let singleSeconds = try await Timing.seconds(repeats: singles.count) {
            try await fetch([singles[singleIndex]])
            singleIndex += 1
        }
        let perKey = Timing.percentile(batchSeconds, 0.5) / 800 * 1e6
        let firstTouchPerKey = Timing.percentile(firstTouch, 0.5) / 800 * 1e6
        let singleP50 = Timing.percentile(singleSeconds, 0.5) * 1e6
        let singleP99 = Timing.percentile(singleSeconds, 0.99) * 1e6

        struct DuckDBResult: Decodable {
            let p50_us: Double
        }
        let duck = try context.python.run(
            "seed_duckdb_cache.py",
            [context.path("seed-\(entries).duckdb"), "\(entries)", "3000"],
            as: DuckDBResult.self
        )
        let label = entries >= 1_000_000 ? "\(entries / 1_000_000) M" : "\(entries / 1000) K"
        table.add(
            "lookup, \(label) entries, batch of 800 (per key)",
            embcache: "\(Timing.format(perKey)) µs",
            baseline: "seed DuckDB p50 \(Timing.format(duck.p50_us, 0)) µs",
            ratio: "\(Timing.format(duck.p50_us / perKey, 0))× faster",
            target: "≤ 5 µs"
        )
        table.add(
            "lookup, \(label) entries, batch of 800, first touch in this process (per key)",
            embcache: "\(Timing.format(firstTouchPerKey)) µs",
            baseline: "seed DuckDB p50 \(Timing.format(duck.p50_us, 0)) µs",
            ratio: "\(Timing.format(duck.p50_us / firstTouchPerKey, 0))× faster",
            target: "reported"
        )
        table.add(
            "lookup, \(label) entries, single key p50 / p99",
            embcache: "\(Timing.format(singleP50)) / \(Timing.format(singleP99)) µs",
            baseline: "seed DuckDB p50 \(Timing.format(duck.p50_us, 0)) µs",
            ratio: "\(Timing.format(duck.p50_us / singleP50, 0))× faster",
            target: "reported"
        )
        table.add(
            "bytes on disk per entry, \(label) entries",
            embcache: "\(Int(bytesPerEntry)) B",
            baseline: "1 536 B raw vector",
            ratio: "\(Timing.format(bytesPerEntry / 1536))×",
            target: "reported"
        )
    }

    /// Fills a new store with `entries` records in batches of 20 000, then closes it.
    private func fill(_ path: String, _ checksum: RecordChecksum) async throws {
        let store = try SQLiteEmbeddingStore(path: path)
        let payload = RecordCodec.encode(TensorRecord(single: Tensor(float32: (0..<384).map(Float.init))))
        for start in stride(from: 0, to: entries, by: 20_000) {
            let batch = (start..<min(start + 20_000, entries)).map { index in
                let digest = Self.digest(index)
                return StoreEntry(
                    digest: digest,
                    record: StoredRecord(payload: payload, checksum: checksum.checksum(of: payload, digest: digest))
                )
            }
            try await store.put(batch, in: namespace)
        }
    }

    static func digest(_ index: Int) -> ContentDigest {
        withUnsafeBytes(of: UInt64(index).littleEndian) { ContentDigest(of: Data($0)) }
    }
}

/// File sizes for the on-disk figures.
enum FileSize {
    static func of(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}

/// A small deterministic random generator.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
