import EmbeddingCacheImages
import FoundationEssentials

extension DecodedImage {
    /// The image with a `side × side` square from (`column`, `row`) set to `colour` (red, green,
    /// blue; grey layouts take the red value), alpha made opaque, at any bit depth.
    func painting(side: Int, atColumn column: Int, row: Int, colour: [UInt8]) -> DecodedImage {
        let channels = layout.channelCount
        let sampleBytes = bitDepth / 8
        let colourChannels = layout == .grey || layout == .greyAlpha ? 1 : 3
        var samples = [UInt8](pixels)
        for y in row..<min(height, row + side) {
            for x in column..<min(width, column + side) {
                for channel in 0..<channels {
                    let value = channel < colourChannels ? colour[channel] : 255
                    let offset = ((y * width + x) * channels + channel) * sampleBytes
                    for byte in 0..<sampleBytes { samples[offset + byte] = value }
                }
            }
        }
        return DecodedImage(width: width, height: height, layout: layout, bitDepth: bitDepth, pixels: Data(samples))
    }

    /// The image as a JPEG can hold it: 8-bit grey or RGB, alpha dropped (the colour as stored)
    /// and 16-bit samples cut to their high byte.
    var withoutAlphaAt8Bits: DecodedImage {
        let hasAlpha = layout == .greyAlpha || layout == .rgba
        guard bitDepth != 8 || hasAlpha else { return self }
        let channels = layout.channelCount
        let kept = hasAlpha ? channels - 1 : channels
        let sampleBytes = bitDepth / 8
        var samples = Data(capacity: width * height * kept)
        let source = [UInt8](pixels)
        for pixel in 0..<(width * height) {
            for channel in 0..<kept { samples.append(source[(pixel * channels + channel) * sampleBytes]) }
        }
        return DecodedImage(
            width: width,
            height: height,
            layout: kept == 1 ? .grey : .rgb,
            bitDepth: 8,
            pixels: samples
        )
    }
}
