import FoundationEssentials

/// An 8-bit greyscale image, rows top to bottom: what Pillow's `image.convert("L")` gives.
struct LumaPlane: Equatable {
    let width: Int
    let height: Int
    /// `width × height` samples, row by row.
    let samples: [UInt8]

    /// Converts `image` as Pillow's `convert("L")` does.
    ///
    /// Colour pixels get ITU-R 601-2 luma in Pillow's fixed point,
    /// `(R × 19595 + G × 38470 + B × 7471 + 0x8000) >> 16`; grey pixels keep their value; alpha is
    /// ignored. A 16-bit sample contributes its high byte (Pillow reads 16-bit colour PNG files
    /// that way too).
    init(_ image: DecodedImage) {
        let channels = image.layout.channelCount
        let sampleBytes = image.bitDepth / 8
        let pixelBytes = channels * sampleBytes
        let isColour = channels >= 3
        var samples = [UInt8](repeating: 0, count: image.width * image.height)
        image.pixels.withUnsafeBytes { raw in
            samples.withUnsafeMutableBufferPointer { output in
                for index in output.indices {
                    let pixel = index * pixelBytes
                    if isColour {
                        let red = UInt32(raw[pixel])
                        let green = UInt32(raw[pixel + sampleBytes])
                        let blue = UInt32(raw[pixel + 2 * sampleBytes])
                        output[index] = UInt8((red * 19595 + green * 38470 + blue * 7471 + 0x8000) >> 16)
                    } else {
                        output[index] = raw[pixel]
                    }
                }
            }
        }
        self.init(width: image.width, height: image.height, samples: samples)
    }

    init(width: Int, height: Int, samples: [UInt8]) {
        precondition(samples.count == width * height, "sample count")
        self.width = width
        self.height = height
        self.samples = samples
    }

    /// The sample at column `x` of row `y`.
    subscript(x: Int, y: Int) -> UInt8 { samples[y * width + x] }
}
