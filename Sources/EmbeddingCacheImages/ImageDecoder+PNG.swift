internal import CEmbeddingCacheImageCodecs
internal import EmbeddingCache
internal import FoundationEssentials

extension ImageDecoder {
    /// Decodes a PNG through libpng: header first, limits checked, then the rows into one buffer.
    func decodePNG(_ bytes: UnsafeRawBufferPointer, label: String) throws(EmbeddingCacheError) -> DecodedImage {
        guard let decoder = embcache_png_decoder_create(bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count)
        else { throw Self.outOfMemory(label) }
        defer { embcache_png_decoder_destroy(decoder) }
        func failure() -> EmbeddingCacheError {
            Self.corrupt(.png, label, String(cString: embcache_png_decoder_message(decoder)))
        }
        var header = embcache_png_header()
        guard embcache_png_read_header(decoder, &header) == 0 else { throw failure() }
        guard let layout = DecodedImage.Layout(channelCount: Int(header.channels)),
            header.bit_depth == 8 || header.bit_depth == 16
        else {
            throw Self.corrupt(.png, label, "\(header.channels) channels of \(header.bit_depth) bits after expansion")
        }
        let width = Int(header.width)
        let height = Int(header.height)
        let bitDepth = Int(header.bit_depth)
        let byteCount = try checkedByteCount(
            width: width,
            height: height,
            channels: layout.channelCount,
            bitDepth: bitDepth,
            format: .png,
            label: label
        )
        let rowBytes = byteCount / height
        guard header.row_bytes == rowBytes else {
            throw Self.corrupt(.png, label, "libpng expands rows to \(header.row_bytes) bytes, not \(rowBytes)")
        }
        var pixels = Data(count: byteCount)
        let status = pixels.withUnsafeMutableBytes { raw in
            embcache_png_read_pixels(decoder, raw.bindMemory(to: UInt8.self).baseAddress, rowBytes)
        }
        guard status == 0 else { throw failure() }
        return DecodedImage(width: width, height: height, layout: layout, bitDepth: bitDepth, pixels: pixels)
    }
}
