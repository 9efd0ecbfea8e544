import Crypto
import EmbeddingCache
import EmbeddingCacheEncoders
import EmbeddingCacheSQLite
import Foundation

/// The seed's cycle on 800 files of `fileSize` bytes: a cold pass into an empty SQLite store and
/// warm passes that find everything, with `builtin:bytes` as the encoder, against the seed's
/// DuckDB cache (`seed_duckdb_cycle.py`) on the same files with the same encoder work, and against
/// reading and hashing the files alone on all cores (the floor of a warm pass).
///
/// Sizes: 16 KB, a 224×224 render of an object on white as PNG (renders drawn that way measured
/// 6–17 KB), as in the seed's corpus; 50 KB, a busier picture. Hashing weighs more at 50 KB, for
/// both caches.
struct CycleBenchmark {
    static let fileCount = 800
    /// Warm passes measured, each paired with a read-and-hash pass; the median of 100 ratios moves
    /// by about ±0.01 between runs on a quiet machine, that of 40 by about ±0.03.
    static let warmPairs = 100
    let fileSize: Int

    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let name = "cycle-\(fileSize / 1000)k"
        let folder = try Self.writeFiles(context.path(name), size: fileSize)
        let written = ContinuousClock.now
        let inputs = folder.files.map(EmbeddingInput.file)
        let encoder = BytesEncoder(dimension: 384)
        var cold = [Double]()
        for round in 0..<3 {
            let store = try SQLiteEmbeddingStore(path: context.path("\(name)-\(round).sqlite"))
            cold += try await Timing.seconds(repeats: 1) {
                let result = try await EmbeddingCache(store: store, encoder: encoder).results(for: inputs)
                guard result.counters.misses == Self.fileCount else { throw BenchmarkFailure("the cold pass hit") }
            }
        }
        let cache = EmbeddingCache(
            store: try SQLiteEmbeddingStore(path: context.path("\(name)-0.sqlite")),
            encoder: encoder
        )
        let (warm, floor) = try await Self.pairs(cache, folder.files)
        let memo = try await memoPairs(folder.files, store: context.path("\(name)-0.sqlite"), writtenAt: written)
        struct SeedCycle: Decodable {
            let cold_seconds: Double
            let warm_seconds: [Double]
        }
        let seed = try context.python.run(
            "seed_duckdb_cycle.py",
            [folder.path, context.path("seed-\(name).duckdb"), "5"],
            as: SeedCycle.self
        )
        let coldMedian = Timing.percentile(cold, 0.5)
        let warmMedian = Timing.percentile(warm, 0.5)
        let seedWarm = Timing.percentile(seed.warm_seconds, 0.5)
        table.add(
            "800-file cycle (\(fileSize / 1000) KB files), cold pass, builtin:bytes encoder",
            embcache: "\(Timing.format(coldMedian * 1000)) ms",
            baseline: "seed DuckDB cache: \(Timing.format(seed.cold_seconds * 1000)) ms",
            ratio:
                "\(Timing.format(coldMedian / seed.cold_seconds, 4))× (\(Timing.format(seed.cold_seconds / coldMedian, 0))× faster)",
            target: "reported"
        )
        table.add(
            "800-file cycle (\(fileSize / 1000) KB files), warm pass",
            embcache: "\(Timing.format(warmMedian * 1000)) ms",
            baseline: "seed DuckDB cache: \(Timing.format(seedWarm * 1000)) ms",
            ratio: "\(Timing.format(warmMedian / seedWarm, 4))× (\(Timing.format(seedWarm / warmMedian, 0))× faster)",
            target: "≥ 20× faster"
        )
        // Each warm pass is paired with the read-and-hash pass right after it, so load that drifts
        // during the run slows both sides of a pair alike; the median ratio is reported.
        table.add(
            "800-file cycle (\(fileSize / 1000) KB files), warm pass against reading and hashing",
            embcache: "\(Timing.format(warmMedian * 1000)) ms",
            baseline:
                "read + SHA-256 of the files alone, all cores: \(Timing.format(Timing.percentile(floor, 0.5) * 1000)) ms",
            ratio:
                "\(Timing.format(Timing.percentile(zip(warm, floor).map { $0 / $1 }, 0.5)))× (median of paired runs)",
            target: "≤ 1.3×"
        )
        table.add(
            "800-file cycle (\(fileSize / 1000) KB files), warm pass with the stat memo (--trust-stat) against reading and hashing",
            embcache: "\(Timing.format(Timing.percentile(memo.warm, 0.5) * 1000)) ms",
            baseline:
                "read + SHA-256 of the files alone, all cores: \(Timing.format(Timing.percentile(memo.floor, 0.5) * 1000)) ms",
            ratio:
                "\(Timing.format(Timing.percentile(zip(memo.warm, memo.floor).map { $0 / $1 }, 0.5), 3))× (median of paired runs)",
            target: fileSize >= 50_000 ? "≤ 0.25×" : "reported"
        )
    }

    /// Warm passes through a cache with a stat memo, each paired with a read-and-hash pass.
    ///
    /// The memo does not remember files changed within its margin (2 s) of being hashed, so the
    /// pass that fills it waits until the files are that old, as they are in any real warm run.
    private func memoPairs(
        _ files: [String],
        store path: String,
        writtenAt: ContinuousClock.Instant
    ) async throws -> (warm: [Double], floor: [Double]) {
        let margin = StatMemo.defaultRacyMargin + .milliseconds(200)
        if ContinuousClock.now - writtenAt < margin { try await Task.sleep(until: writtenAt + margin) }
        var configuration = EmbeddingCache.Configuration()
        configuration.statMemo = StatMemo()
        let cache = EmbeddingCache(
            store: try SQLiteEmbeddingStore(path: path),
            encoder: BytesEncoder(dimension: 384),
            configuration: configuration
        )
        _ = try await cache.results(for: files.map(EmbeddingInput.file))
        guard configuration.statMemo?.count == files.count else { throw BenchmarkFailure("the memo missed files") }
        let pairs = try await Self.pairs(cache, files)
        guard configuration.statMemo?.servedCount == files.count * Self.warmPairs else {
            throw BenchmarkFailure("the memo did not serve every warm pass")
        }
        return pairs
    }

    /// ``warmPairs`` warm passes through `cache`, each followed by a pass that reads and hashes the
    /// files alone, so load that drifts during the run slows both sides of a pair alike.
    private static func pairs(
        _ cache: EmbeddingCache,
        _ files: [String]
    ) async throws -> (warm: [Double], floor: [Double]) {
        let inputs = files.map(EmbeddingInput.file)
        var warm = [Double]()
        var floor = [Double]()
        for _ in 0..<warmPairs {
            warm += try await Timing.seconds(repeats: 1) {
                let result = try await cache.results(for: inputs)
                guard result.counters.hits == fileCount else { throw BenchmarkFailure("a warm pass missed") }
            }
            floor += await Timing.seconds(repeats: 1) { readAndHash(files) }
        }
        return (warm, floor)
    }

    /// Writes `count` distinct files of `size` bytes into `path`.
    static func writeFiles(
        _ path: String,
        count: Int = fileCount,
        size: Int = 50_000,
        seed: UInt64 = 5
    ) throws -> (path: String, files: [String]) {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let files = Inputs.buffers(count: count, size: size, seed: seed).enumerated().map { index, data in
            let file = "\(path)/\(String(format: "%05d", index)).bin"
            return (file, data)
        }
        for (file, data) in files { try data.write(to: URL(fileURLWithPath: file)) }
        return (path, files.map(\.0))
    }

    /// Reads every file and takes its SHA-256, on every core: what a warm pass cannot avoid.
    ///
    /// Plain `open`, `fstat`, `read` and `close` into a fresh buffer per file, the leanest read
    /// there is, so the floor is not inflated by a file API's own checks.
    static func readAndHash(_ files: [String]) {
        nonisolated(unsafe) let digests = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: files.count)
        defer { digests.deallocate() }
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let descriptor = open(files[index], O_RDONLY | O_CLOEXEC)
            defer { close(descriptor) }
            var status = stat()
            guard descriptor >= 0, fstat(descriptor, &status) == 0 else { return }
            let bytes = [UInt8](unsafeUninitializedCapacity: Int(status.st_size)) { buffer, count in
                count = max(0, read(descriptor, buffer.baseAddress, buffer.count))
            }
            digests[index] = SHA256.hash(data: bytes).withUnsafeBytes { $0[0] }
        }
    }
}
