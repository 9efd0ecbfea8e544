internal import EmbeddingCacheImages
internal import FoundationEssentials

/// Conversion to 8-bit RGB and area-average resizing, the pixel-projection encoder's preprocessing.
enum AreaResize {
    /// The image as 8-bit RGB (16-bit rounded to 8, grey copied to R, G and B, alpha dropped),
    /// resized to `side` × `side` by area averaging; row by row, RGB within a pixel, unrounded.
    static func rgb8(_ image: DecodedImage, side: Int) -> [Float] {
        let columns = Weights(source: image.width, output: side)
        let rows = Weights(source: image.height, output: side)
        // Horizontal pass: every source row resampled to `side` pixels.
        var narrowed = [Float](repeating: 0, count: image.height * side * 3)
        var row = [Float](repeating: 0, count: image.width * 3)
        image.pixels.withUnsafeBytes { samples in
            for y in 0..<image.height {
                convertRow(y, of: image, samples, into: &row)
                for x in 0..<side {
                    var red: Float = 0
                    var green: Float = 0
                    var blue: Float = 0
                    for (source, weight) in columns.taps(x) {
                        red += row[3 * source] * weight
                        green += row[3 * source + 1] * weight
                        blue += row[3 * source + 2] * weight
                    }
                    let target = (y * side + x) * 3
                    narrowed[target] = red
                    narrowed[target + 1] = green
                    narrowed[target + 2] = blue
                }
            }
        }
        // Vertical pass.
        let rowLength = side * 3
        var output = [Float](repeating: 0, count: side * rowLength)
        for y in 0..<side {
            for (source, weight) in rows.taps(y) {
                for index in 0..<rowLength {
                    output[y * rowLength + index] += narrowed[source * rowLength + index] * weight
                }
            }
        }
        return output
    }

    /// Row `y` of `image` as 8-bit RGB values.
    private static func convertRow(
        _ y: Int,
        of image: DecodedImage,
        _ samples: UnsafeRawBufferPointer,
        into row: inout [Float]
    ) {
        let channels = image.layout.channelCount
        let sampleBytes = image.bitDepth / 8
        let colour = image.layout == .rgb || image.layout == .rgba
        var offset = y * image.rowBytes
        for x in 0..<image.width {
            for channel in 0..<3 {
                let sample = offset + (colour ? channel : 0) * sampleBytes
                row[3 * x + channel] =
                    sampleBytes == 1
                    ? Float(samples[sample])
                    : Float(((Int(samples[sample]) << 8 | Int(samples[sample + 1])) + 128) / 257)
            }
            offset += channels * sampleBytes
        }
    }

    /// For each output index, the source indices its area covers and the fraction of the area
    /// each contributes (summing to 1).
    struct Weights {
        private let starts: [Int]
        private let sources: [Int]
        private let weights: [Float]

        init(source: Int, output: Int) {
            var starts = [0]
            var sources = [Int]()
            var weights = [Float]()
            let scale = Double(source) / Double(output)
            for index in 0..<output {
                let low = Double(index) * scale
                let high = Double(index + 1) * scale
                for pixel in Int(low.rounded(.down))..<min(source, Int(high.rounded(.up))) {
                    let covered = min(high, Double(pixel + 1)) - max(low, Double(pixel))
                    guard covered > 0 else { continue }
                    sources.append(pixel)
                    weights.append(Float(covered / (high - low)))
                }
                starts.append(sources.count)
            }
            self.starts = starts
            self.sources = sources
            self.weights = weights
        }

        /// The (source index, weight) pairs of output index `index`.
        func taps(_ index: Int) -> Zip2Sequence<ArraySlice<Int>, ArraySlice<Float>> {
            zip(sources[starts[index]..<starts[index + 1]], weights[starts[index]..<starts[index + 1]])
        }
    }
}
