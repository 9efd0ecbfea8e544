import EmbeddingCache
import EmbeddingCacheEncoders
import EmbeddingCacheImages
import EmbeddingCacheSQLite
import Foundation

/// A warm pass over 800 PNG files with the pixel key against the same pass without it, on the
/// same SQLite store: byte hits must not decode anything, so the two should cost the same.
struct PixelKeyWarmBenchmark {
    func run(_ context: BenchmarkContext, into table: inout ResultTable) async throws {
        let folder = context.path("pixel-key-images")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let base = ImageBenchmark.photoLike(side: 224)
        var paths = [String]()
        for index in 0..<800 {
            var pixels = base.pixels
            pixels[index % pixels.count] &+= UInt8(1 + index / pixels.count)
            pixels[0] = UInt8(index % 256)
            pixels[1] = UInt8(index / 256)
            let image = DecodedImage(width: 224, height: 224, layout: .rgb, bitDepth: 8, pixels: pixels)
            let path = "\(folder)/\(index).png"
            try PNGWriter(compressionLevel: 1).encode(image).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let inputs = paths.map(EmbeddingInput.file)
        let store = try SQLiteEmbeddingStore(path: context.path("pixel-key.sqlite"))
        let encoder = try PixelProjectionEncoder()
        var withKey = EmbeddingCache.Configuration()
        withKey.secondaryKey = PixelKey()
        let keyed = EmbeddingCache(store: store, encoder: encoder, configuration: withKey)
        let plain = EmbeddingCache(store: store, encoder: encoder)
        _ = try await keyed.records(for: inputs)
        var keyedSeconds = [Double]()
        var plainSeconds = [Double]()
        for _ in 0..<30 {
            keyedSeconds += try await Timing.seconds(repeats: 1) {
                let result = try await keyed.results(for: inputs)
                guard result.counters.hits == 800, result.counters.secondaryDigests == 0 else {
                    throw BenchmarkFailure("the warm pass with the pixel key missed or decoded")
                }
            }
            plainSeconds += try await Timing.seconds(repeats: 1) {
                let result = try await plain.results(for: inputs)
                guard result.counters.hits == 800 else { throw BenchmarkFailure("the warm pass missed") }
            }
        }
        let ratio = Timing.percentile(zip(keyedSeconds, plainSeconds).map { $0 / $1 }, 0.5)
        let plainMilliseconds = Timing.format(Timing.percentile(plainSeconds, 0.5) * 1000)
        table.add(
            "warm pass, 800 PNG files (224×224), with --pixel-key",
            embcache: "\(Timing.format(Timing.percentile(keyedSeconds, 0.5) * 1000)) ms",
            baseline: "same pass without the pixel key: \(plainMilliseconds) ms",
            ratio: "\(Timing.format(ratio))× (median of paired runs)",
            target: "within 5 %"
        )
    }
}
