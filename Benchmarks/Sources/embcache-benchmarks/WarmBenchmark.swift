import Crypto
import EmbeddingCache
import EmbeddingCacheEncoders
import EmbeddingCacheSQLite
import Foundation

/// A warm get-or-compute of 800 in-memory inputs of 50 KB on the SQLite store, against SHA-256 of
/// the same bytes alone on all cores (the floor of the warm path).
struct WarmBenchmark {
    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let buffers = Inputs.buffers(count: 800, size: 50_000, seed: 1)
        let inputs = buffers.enumerated().map { EmbeddingInput.bytes($1, label: "input-\($0)") }
        let store = try SQLiteEmbeddingStore(path: context.path("warm.sqlite"))
        let cache = EmbeddingCache(store: store, encoder: BytesEncoder())
        _ = try await cache.records(for: inputs)
        var warm = [Double]()
        var hashing = [Double]()
        for _ in 0..<40 {
            warm += try await Timing.seconds(repeats: 1) {
                let result = try await cache.results(for: inputs)
                guard result.counters.hits == 800 else { throw BenchmarkFailure("the warm pass missed") }
            }
            hashing += await Timing.seconds(repeats: 1) { Inputs.hashAll(buffers) }
        }
        let warmMedian = Timing.percentile(warm, 0.5)
        let hashMedian = Timing.percentile(hashing, 0.5)
        // Each pass is paired with the hashing pass right after it, so load on the machine that
        // drifts during the run slows both sides of a pair alike; the median ratio is reported.
        let ratio = Timing.percentile(zip(warm, hashing).map { $0 / $1 }, 0.5)
        table.add(
            "warm get-or-compute, 800 × 50 KB",
            embcache: "\(Timing.format(warmMedian * 1000)) ms",
            baseline: "SHA-256 alone, all cores: \(Timing.format(hashMedian * 1000)) ms",
            ratio: "\(Timing.format(ratio))× (median of paired runs)",
            target: "≤ 1.2×"
        )
    }
}

/// Deterministic input buffers and the hashing baseline.
enum Inputs {
    static func buffers(count: Int, size: Int, seed: UInt64) -> [Data] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            var data = Data(count: size)
            data.withUnsafeMutableBytes { raw in
                for offset in stride(from: 0, to: size - 7, by: 8) {
                    raw.storeBytes(of: generator.next(), toByteOffset: offset, as: UInt64.self)
                }
            }
            return data
        }
    }

    /// SHA-256 of every buffer on every core: the work a warm pass cannot avoid.
    static func hashAll(_ buffers: [Data]) {
        nonisolated(unsafe) let digests = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: buffers.count)
        defer { digests.deallocate() }
        DispatchQueue.concurrentPerform(iterations: buffers.count) { index in
            digests[index] = SHA256.hash(data: buffers[index]).withUnsafeBytes { $0[0] }
        }
    }
}
