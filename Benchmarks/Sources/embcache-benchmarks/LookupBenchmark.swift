import EmbeddingCache
import EmbeddingCacheSQLite
import Foundation

/// Warm lookups of 384-float32 records in a SQLite store of `entries` records, through the store's
/// public API with the checksum verified, against the seed's DuckDB cache filled alike. Both
/// databases are deleted afterwards (10 M entries take about 17 GB each).
struct LookupBenchmark {
    let entries: Int
    let namespace = Namespace(model: "bench", preprocessing: "raw")

    /// What the scaling row compares across sizes.
    struct Figures {
        let entries: Int
        let singleP50: Double
        /// The smallest store's single-key p50, measured alternately with this store's lookups.
        let referenceP50: Double?
        /// This store, kept open and on disk when it is the reference for larger ones.
        let lookups: StoreLookups
    }

    /// A filled store and the keys its single-key lookups ask for, every one verified.
    struct StoreLookups {
        let store: SQLiteEmbeddingStore
        let namespace: Namespace
        let singles: [ContentDigest]
        /// Prepared once, outside the timed lookups.
        private let checksum: RecordChecksum

        init(store: SQLiteEmbeddingStore, namespace: Namespace, singles: [ContentDigest]) {
            self.store = store
            self.namespace = namespace
            self.singles = singles
            checksum = RecordChecksum(namespace: namespace)
        }

        /// Looks `digests` up and checks every record's checksum.
        func fetch(_ digests: [ContentDigest]) async throws {
            let found = try await store.records(for: digests, in: namespace)
            for (digest, stored) in zip(digests, found) {
                guard let stored, checksum.open(stored, digest: digest) != nil else {
                    throw BenchmarkFailure("a stored record did not verify")
                }
            }
        }
    }

    /// Fills the store, measures it against the seed's DuckDB cache and adds its rows.
    ///
    /// - Parameter reference: The smallest store, kept open: each single-key lookup here is
    ///   followed by one there, so that the scaling ratio compares p50s from the same seconds
    ///   rather than from runs minutes apart on a machine whose load drifts. Without one, this
    ///   store is kept (it becomes the reference); with one, it is deleted.
    func run(
        _ context: BenchmarkContext,
        reference: StoreLookups?,
        into table: inout ResultTable
    ) async throws -> Figures {
        let path = context.path("lookup-\(entries).sqlite")
        let seedPath = context.path("seed-\(entries).duckdb")
        let deletedStoreFiles = reference == nil ? [] : [path, path + "-wal", path + "-shm", path + ".blobs"]
        defer {
            for file in deletedStoreFiles + [seedPath, seedPath + ".wal"] {
                try? FileManager.default.removeItem(atPath: file)
            }
        }
        let buildSeconds = try await fill(path, RecordChecksum(namespace: namespace))
        // Closing the filled store checkpoints the WAL into the file: its size is what stays on disk.
        let bytesPerEntry = Double(FileSize.of(path)) / Double(entries)
        var generator = SplitMix64(seed: 42)
        let batches = (0..<40).map { _ in (0..<800).map { _ in Self.digest(Int(generator.next() % UInt64(entries))) } }
        let lookups = StoreLookups(
            store: try SQLiteEmbeddingStore(path: path),
            namespace: namespace,
            singles: (0..<4000).map { _ in Self.digest(Int(generator.next() % UInt64(entries))) }
        )
        // Warm: every key is looked up once before timing, so its pages are in the page cache and
        // mapped into this process (a first touch of a mapped page costs a minor fault).
        var firstIndex = 0
        let firstTouch = try await Timing.seconds(repeats: batches.count) {
            try await lookups.fetch(batches[firstIndex])
            firstIndex += 1
        }
        for key in lookups.singles { try await lookups.fetch([key]) }
        let baseline = try CLookupBaseline(store: lookups.store, namespace: namespace)
        for key in lookups.singles { try baseline.fetch(key) }
        // The Swift store's passes over the batches alternate with the Python package's, in a
        // process of its own, over the same batches of the same file.
        let batchesFile = context.path("lookup-\(entries)-batches.txt")
        try batches.map { $0.map(\.hex).joined(separator: " ") }.joined(separator: "\n")
            .write(toFile: batchesFile, atomically: true, encoding: .utf8)
        var batchSeconds = [Double]()
        var pythonSeconds = [Double]()
        for _ in 0..<2 {
            var batchIndex = 0
            batchSeconds += try await Timing.seconds(repeats: batches.count) {
                try await lookups.fetch(batches[batchIndex])
                batchIndex += 1
            }
            pythonSeconds += try context.pythonPackage.run(
                "batch_get_timings.py",
                [path, batchesFile, namespace.model, namespace.preprocessing],
                as: PythonBatchTimings.self
            ).seconds
        }
        var singleSeconds = [Double]()
        var baselineSeconds = [Double]()
        var referenceSeconds = [Double]()
        for (index, key) in lookups.singles.enumerated() {
            // The same key in C, before or after the store's lookup in turn, so neither side
            // always follows the other.
            if index.isMultiple(of: 2) {
                baselineSeconds += try await Timing.seconds(repeats: 1) { try baseline.fetch(key) }
            }
            singleSeconds += try await Timing.seconds(repeats: 1) { try await lookups.fetch([key]) }
            if !index.isMultiple(of: 2) {
                baselineSeconds += try await Timing.seconds(repeats: 1) { try baseline.fetch(key) }
            }
            if let reference {
                let referenceKey = reference.singles[index % reference.singles.count]
                referenceSeconds += try await Timing.seconds(repeats: 1) { try await reference.fetch([referenceKey]) }
            }
        }
        let perKey = Timing.percentile(batchSeconds, 0.5) / 800 * 1e6
        let firstTouchPerKey = Timing.percentile(firstTouch, 0.5) / 800 * 1e6
        let singleP50 = Timing.percentile(singleSeconds, 0.5) * 1e6
        let singleP99 = Timing.percentile(singleSeconds, 0.99) * 1e6
        let baselineP50 = Timing.percentile(baselineSeconds, 0.5) * 1e6

        struct DuckDBResult: Decodable {
            let p50_us: Double
        }
        // The seed's lookups scan the table, tens of milliseconds each past a million rows.
        let duck = try context.python.run(
            "seed_duckdb_cache.py",
            [seedPath, "\(entries)", entries > 1_000_000 ? "300" : "3000"],
            as: DuckDBResult.self
        )
        let label = Self.label(entries)
        table.add(
            "build, \(label) entries of 384 float32 (keys in order, \(Self.fillBatch / 1000) K per transaction)",
            embcache: "\(Timing.format(buildSeconds, 1)) s (\(Int(Double(entries) / buildSeconds)) entries/s)",
            baseline: "",
            ratio: "",
            target: "reported"
        )
        table.add(
            "lookup, \(label) entries, batch of 800 (per key)",
            embcache: "\(Timing.format(perKey)) µs",
            baseline: "none: the study's cache looks keys up one at a time (single keys below)",
            ratio: "",
            target: "≤ 5 µs"
        )
        let pythonBatch = Timing.percentile(pythonSeconds, 0.5) * 1e3
        let swiftBatch = Timing.percentile(batchSeconds, 0.5) * 1e3
        table.add(
            "lookup, \(label) entries, batch of 800 through the Python package (`Cache.get`, verified, "
                + "decoded to numpy) against the Swift store's batch above, same keys, passes alternating",
            embcache: "\(Timing.format(pythonBatch, 3)) ms",
            baseline: "Swift \(Timing.format(swiftBatch, 3)) ms",
            ratio: "\(Timing.format(pythonBatch / swiftBatch))× the time",
            target: entries >= 1_000_000 ? "≤ 2×" : "reported"
        )
        table.add(
            "lookup, \(label) entries, batch of 800, first touch in this process (per key)",
            embcache: "\(Timing.format(firstTouchPerKey)) µs",
            baseline: "none",
            ratio: "",
            target: "reported"
        )
        table.add(
            "lookup, \(label) entries, single key p50 / p99",
            embcache: "\(Timing.format(singleP50)) / \(Timing.format(singleP99)) µs",
            baseline: "the study's DuckDB cache, single key p50 \(Timing.format(duck.p50_us, 0)) µs",
            ratio: "\(Timing.format(duck.p50_us / singleP50, 0))× faster",
            target: "reported"
        )
        table.add(
            "lookup, \(label) entries, single key p50, against the same read in C (sqlite3 API, same file, "
                + "statement and mapping, checksum verified, vector decoded), lookups alternating",
            embcache: "\(Timing.format(singleP50)) µs",
            baseline: "\(Timing.format(baselineP50)) µs",
            ratio: "\(Timing.format(singleP50 / baselineP50))× the time",
            target: entries >= 1_000_000 ? "≤ 1.25×" : "reported"
        )
        table.add(
            "bytes on disk per entry, \(label) entries",
            embcache: "\(Int(bytesPerEntry)) B",
            baseline: "1 536 B raw vector",
            ratio: "\(Timing.format(bytesPerEntry / 1536))×",
            target: "≤ 1.2×"
        )
        return Figures(
            entries: entries,
            singleP50: singleP50,
            referenceP50: referenceSeconds.isEmpty ? nil : Timing.percentile(referenceSeconds, 0.5) * 1e6,
            lookups: lookups
        )
    }

    /// Runs the sizes in ascending order, the smallest kept as every other one's reference, and
    /// adds a scaling row for each larger size.
    static func runAll(_ sizes: [Int], _ context: BenchmarkContext, into table: inout ResultTable) async throws {
        var smallest: Figures?
        for entries in sizes.sorted() {
            let figures = try await LookupBenchmark(entries: entries).run(
                context,
                reference: smallest?.lookups,
                into: &table
            )
            guard let smallest, let referenceP50 = figures.referenceP50 else {
                smallest = figures
                continue
            }
            table.add(
                "lookup p50 at \(label(entries)) entries against \(label(smallest.entries)) entries, single key, "
                    + "lookups alternating between the two stores",
                embcache: "\(Timing.format(figures.singleP50)) µs",
                baseline: "\(Timing.format(referenceP50)) µs at \(label(smallest.entries)) entries",
                ratio: "\(Timing.format(figures.singleP50 / referenceP50))×",
                target: "≤ 2×"
            )
        }
    }

    private static func label(_ entries: Int) -> String {
        entries >= 1_000_000 ? "\(entries / 1_000_000) M" : "\(entries / 1000) K"
    }

    /// Records per transaction when filling.
    static let fillBatch = 100_000

    /// Fills a new store with `entries` records through its public API, then closes it, and
    /// returns the seconds it took (generating and sorting the keys included).
    ///
    /// The keys go in ascending order, so each insert lands at the right edge of the key index:
    /// a transaction writes only new pages. In random order, every transaction of a large store
    /// rewrites most of the index's leaf pages.
    func fill(_ path: String, _ checksum: RecordChecksum) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let store = try SQLiteEmbeddingStore(path: path)
        let payload = RecordCodec.encode(TensorRecord(single: Tensor(float32: (0..<384).map(Float.init))))
        let digests = (0..<entries).map(Self.digest).sorted()
        for first in stride(from: 0, to: entries, by: Self.fillBatch) {
            let batch = digests[first..<min(first + Self.fillBatch, entries)].map { digest in
                StoreEntry(
                    digest: digest,
                    record: StoredRecord(payload: payload, checksum: checksum.checksum(of: payload, digest: digest))
                )
            }
            try await store.put(batch, in: namespace)
        }
        return (clock.now - start).seconds
    }

    static func digest(_ index: Int) -> ContentDigest {
        withUnsafeBytes(of: UInt64(index).littleEndian) { ContentDigest(of: Data($0)) }
    }
}

/// What Benchmarks/python/batch_get_timings.py prints: each batch's seconds.
struct PythonBatchTimings: Decodable {
    let seconds: [Double]
}

/// File sizes for the on-disk figures.
enum FileSize {
    static func of(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}
