internal import CEmbeddingCacheImageCodecs
internal import EmbeddingCache
internal import FoundationEssentials

extension ImageDecoder {
    /// Decodes a JPEG through libjpeg: header and APP1 markers first, limits checked, then the
    /// rows into one buffer, then the EXIF orientation applied.
    func decodeJPEG(_ bytes: UnsafeRawBufferPointer, label: String) throws(EmbeddingCacheError) -> DecodedImage {
        guard let decoder = embcache_jpeg_decoder_create(bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count)
        else { throw Self.outOfMemory(label) }
        defer { embcache_jpeg_decoder_destroy(decoder) }
        func failure() -> EmbeddingCacheError {
            Self.corrupt(.jpeg, label, String(cString: embcache_jpeg_decoder_message(decoder)))
        }
        var header = embcache_jpeg_header()
        guard embcache_jpeg_read_header(decoder, &header) == 0 else { throw failure() }
        let layout: DecodedImage.Layout
        switch header.colour_space {
        case EMBCACHE_JPEG_GREY: layout = .grey
        case EMBCACHE_JPEG_COLOUR: layout = .rgb
        case EMBCACHE_JPEG_CMYK, EMBCACHE_JPEG_YCCK:
            let name = header.colour_space == EMBCACHE_JPEG_CMYK ? "CMYK" : "YCCK"
            throw EmbeddingCacheError(
                .unsupported,
                "'\(label)' is a \(name) JPEG; only grey and YCbCr/RGB JPEGs are decoded",
                input: label
            )
        default:
            throw EmbeddingCacheError(
                .unsupported,
                "'\(label)' is a JPEG of \(header.components) components in an unknown colour space",
                input: label
            )
        }
        let width = Int(header.width)
        let height = Int(header.height)
        let byteCount = try checkedByteCount(
            width: width,
            height: height,
            channels: layout.channelCount,
            bitDepth: 8,
            format: .jpeg,
            label: label
        )
        let orientation = Self.orientation(of: decoder)
        var pixels = Data(count: byteCount)
        let status = pixels.withUnsafeMutableBytes { raw in
            embcache_jpeg_read_pixels(
                decoder,
                Int32(layout.channelCount),
                UInt32(clamping: limits.maxProgressiveScans),
                raw.bindMemory(to: UInt8.self).baseAddress,
                byteCount / height
            )
        }
        guard status == 0 else { throw failure() }
        let stored = DecodedImage(width: width, height: height, layout: layout, bitDepth: 8, pixels: pixels)
        return stored.applying(orientation)
    }

    /// The orientation of the first APP1 marker that holds EXIF data; ``ExifOrientation/up`` when
    /// there is none or it has no valid orientation tag.
    private static func orientation(of decoder: OpaquePointer) -> ExifOrientation {
        var index: Int32 = 0
        var data: UnsafePointer<UInt8>?
        var size = 0
        while embcache_jpeg_app1(decoder, index, &data, &size) == 0 {
            index += 1
            guard let data else { continue }
            let payload = UnsafeRawBufferPointer(start: data, count: size)
            if ExifOrientation.isExifPayload(payload) { return ExifOrientation(exifPayload: payload) ?? .up }
        }
        return .up
    }
}
