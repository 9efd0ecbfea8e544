import EmbeddingCache
import EmbeddingCacheEncoders
import EmbeddingCacheSQLite
import Foundation

/// A cold get-or-compute of 800 inputs with an encoder that costs 5 ms per item (a sleep, like a
/// GPU that leaves the CPU free), against the same encoder with no cache at all.
struct ColdBenchmark {
    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let buffers = Inputs.buffers(count: 800, size: 50_000, seed: 2)
        let inputs = buffers.enumerated().map { EmbeddingInput.bytes($1, label: "input-\($0)") }
        let encoder = BytesEncoder(costMilliseconds: 5, batchSize: 32)
        var cached = [Double]()
        var uncached = [Double]()
        for round in 0..<3 {
            let store = try SQLiteEmbeddingStore(path: context.path("cold-\(round).sqlite"))
            let cache = EmbeddingCache(store: store, encoder: encoder)
            uncached += try await Timing.seconds(repeats: 1) {
                _ = try await cache.results(for: inputs, bypassingCache: true)
            }
            cached += try await Timing.seconds(repeats: 1) {
                let result = try await cache.results(for: inputs)
                guard result.counters.misses == 800 else { throw BenchmarkFailure("the cold pass hit") }
            }
        }
        let withCache = Timing.percentile(cached, 0.5)
        let without = Timing.percentile(uncached, 0.5)
        table.add(
            "cold get-or-compute, 800 inputs, 5 ms/item encoder",
            embcache: "\(Timing.format(withCache, 3)) s",
            baseline: "no cache: \(Timing.format(without, 3)) s",
            ratio: "+\(Timing.format((withCache / without - 1) * 100)) % overhead",
            target: "≤ 3 %"
        )
    }
}
