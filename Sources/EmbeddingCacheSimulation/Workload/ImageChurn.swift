import EmbeddingCache
import EmbeddingCacheEncoders
import EmbeddingCacheImages
import FoundationEssentials

/// The changes a churned image goes through: new bytes for the same pixels, a lossy re-save, a
/// painted patch. Every change is drawn from a seed, so a workload replays exactly.
enum ImageChurn {
    /// `bytes` re-saved as a PNG with identical pixels: another compression level and a text chunk
    /// naming the cycle, so the bytes are new even when the level repeats.
    static func resavedLosslessly(
        _ bytes: Data,
        label: String,
        cycle: Int,
        seed: UInt64
    ) throws(EmbeddingCacheError) -> Data {
        let image = try ImageDecoder().decode(bytes, label: label)
        let writer = PNGWriter(compressionLevel: Int(seed % 10), text: [("Comment", "re-saved in cycle \(cycle)")])
        return try writer.encode(image)
    }

    /// `bytes` re-saved as a JPEG of quality 70–95: new bytes and slightly different pixels.
    static func resavedLossily(_ bytes: Data, label: String, seed: UInt64) throws(EmbeddingCacheError) -> Data {
        let image = try ImageDecoder().decode(bytes, label: label)
        return try JPEGWriter(quality: 70 + Int(seed % 26)).encode(image.withoutAlphaAt8Bits)
    }

    /// `bytes` with a square patch of one colour painted over (a retouch, a watermark), re-saved as
    /// a PNG: different pixels under the same path.
    static func edited(_ bytes: Data, label: String, seed: UInt64) throws(EmbeddingCacheError) -> Data {
        let image = try ImageDecoder().decode(bytes, label: label)
        var generator = SplitMix64(seed: seed)
        let side = max(1, min(image.width, image.height) / 12)
        let column = Int.random(in: 0...(image.width - side), using: &generator)
        let row = Int.random(in: 0...(image.height - side), using: &generator)
        let colour = (0..<3).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return try PNGWriter().encode(image.painting(side: side, atColumn: column, row: row, colour: colour))
    }
}
