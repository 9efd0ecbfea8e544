import CEmbeddingCacheBenchmarkBaselines
import EmbeddingCache
import EmbeddingCacheImages
import Foundation

/// The second tier's price per byte miss: decoding a 224 × 224 RGB PNG and digesting its pixels,
/// against libpng's own decode of the same file (its simplified API, in C) in the same run.
struct ImageBenchmark {
    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let png = try PNGWriter().encode(Self.photoLike(side: 224))
        let decoder = ImageDecoder()
        guard embcache_baseline_png_decode_rgb(Array(png), png.count) >= 0 else {
            throw BenchmarkFailure("libpng's simplified API cannot read the benchmark image")
        }
        let bytes = Array(png)
        let repeats = 100
        var digested = [Double]()
        var decodedOnly = [Double]()
        var baseline = [Double]()
        for _ in 0..<30 {
            digested += try await Timing.seconds(repeats: 1) {
                for _ in 0..<repeats { blackHole(try decoder.decode(png, label: "bench.png").pixelDigest) }
            }
            decodedOnly += try await Timing.seconds(repeats: 1) {
                for _ in 0..<repeats { blackHole(try decoder.decode(png, label: "bench.png").pixels.count) }
            }
            baseline += await Timing.seconds(repeats: 1) {
                for _ in 0..<repeats { blackHole(embcache_baseline_png_decode_rgb(bytes, bytes.count)) }
            }
        }
        // Each round's three passes run back to back, so drifting load on the machine slows them
        // alike; the median of the per-round ratios is reported.
        let perDecode = { (values: [Double]) in Timing.percentile(values, 0.5) / Double(repeats) * 1e6 }
        let baselineText = "libpng simplified API (C): \(Timing.format(perDecode(baseline))) µs"
        table.add(
            "decode + pixel digest, 224×224 RGB PNG (\(png.count / 1024) KB)",
            embcache: "\(Timing.format(perDecode(digested))) µs",
            baseline: baselineText,
            ratio:
                "\(Timing.format(Timing.percentile(zip(digested, baseline).map { $0 / $1 }, 0.5)))× (median of paired runs)",
            target: "≤ 1.2×"
        )
        table.add(
            "decode alone, same PNG",
            embcache: "\(Timing.format(perDecode(decodedOnly))) µs",
            baseline: baselineText,
            ratio: "\(Timing.format(Timing.percentile(zip(decodedOnly, baseline).map { $0 / $1 }, 0.5)))×",
            target: "—"
        )
    }

    /// A deterministic picture with a photograph's mix of smooth shading and fine texture, so that
    /// zlib compresses it about as much as a real photo saved as PNG.
    static func photoLike(side: Int) -> DecodedImage {
        var generator = SplitMix64(seed: 224)
        var samples = [UInt8]()
        samples.reserveCapacity(side * side * 3)
        for y in 0..<side {
            for x in 0..<side {
                let shade = 96 + 64 * sin(Double(x) / 23) * cos(Double(y) / 31)
                for channel in 0..<3 {
                    let noise = Double(generator.next() % 13) - 6
                    samples.append(UInt8(max(0, min(255, shade + Double(channel * 30) + noise))))
                }
            }
        }
        return DecodedImage(width: side, height: side, layout: .rgb, bitDepth: 8, pixels: Data(samples))
    }
}

/// Keeps a result alive so the optimiser cannot remove the work that produced it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
