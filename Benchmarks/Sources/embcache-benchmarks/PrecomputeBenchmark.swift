import Foundation

/// A warm `embcache precompute` (every field a hit) of 1 000 samples with four fields, against
/// SHA-256 alone of the same input bytes on all cores: the warm pass should be bounded by hashing
/// and lookups, never by the encoders.
struct PrecomputeBenchmark {
    /// The `embcache` binary measured.
    let embcache: String

    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let dataset = try TrainingDataset(
            in: context.scratch.appendingPathComponent("precompute"),
            count: 1000,
            fileSize: 50_000,
            vaeDim: 64,
            textDim: 64,
            embcache: embcache
        )
        _ = try dataset.precompute()
        var warm = [Double]()
        for _ in 0..<7 {
            let report = try dataset.precompute()
            guard report["hits"] as? Int == 4000, let seconds = report["seconds"] as? Double else {
                throw BenchmarkFailure("the warm precompute missed")
            }
            warm.append(seconds)
        }
        let hashing = await Timing.seconds(repeats: 7) { Inputs.hashAll(dataset.inputBytes) }
        let warmMedian = Timing.percentile(warm, 0.5)
        let hashMedian = Timing.percentile(hashing, 0.5)
        table.add(
            "precompute warm pass, 1 000 samples × 4 fields (3 × 50 KB files + prompt each)",
            embcache: "\(Int(1000 / warmMedian)) samples/s (\(Timing.format(warmMedian * 1000)) ms)",
            baseline: "SHA-256 of the same bytes alone, all cores: \(Int(1000 / hashMedian)) samples/s",
            ratio: "\(Timing.format(warmMedian / hashMedian))× the hashing time",
            target: "bounded by hashing and lookups"
        )
    }
}
