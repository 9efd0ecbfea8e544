internal import CEmbeddingCacheImageCodecs
public import EmbeddingCache
public import FoundationEssentials

/// Writes images as PNG through libpng, for tests, simulations and demos.
///
/// Every ``DecodedImage`` can be written losslessly: all four layouts, 8 or 16 bits. The
/// compression level and text chunks change the file's bytes but not its pixels, which is what a
/// re-saving thumbnailer or CMS does.
///
/// ```swift
/// let original = try PNGWriter(compressionLevel: 6).encode(image)
/// let resaved = try PNGWriter(compressionLevel: 9, text: [("Software", "cms 2.1")]).encode(image)
/// // different bytes, the same pixel digest
/// ```
public struct PNGWriter: Sendable {
    /// The zlib compression level, 0 (none) to 9 (smallest).
    public var compressionLevel: Int
    /// `tEXt` chunks, in order: a keyword of 1 to 79 printable ASCII characters and a Latin-1 text.
    public var text: [(keyword: String, text: String)]
    /// Whether to write Adam7-interlaced rows.
    public var interlaced: Bool

    /// Creates a writer.
    ///
    /// - Parameters:
    ///   - compressionLevel: The zlib compression level, 0 to 9; 6 by default, as libpng's.
    ///   - text: `tEXt` chunks to add.
    ///   - interlaced: Whether to write Adam7-interlaced rows.
    public init(compressionLevel: Int = 6, text: [(keyword: String, text: String)] = [], interlaced: Bool = false) {
        self.compressionLevel = compressionLevel
        self.text = text
        self.interlaced = interlaced
    }

    /// Encodes an image.
    ///
    /// - Parameter image: The image.
    /// - Returns: The PNG file's bytes.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` for a compression level outside
    ///   0...9, a keyword that is not 1 to 79 printable ASCII characters without leading, trailing
    ///   or double spaces, or a text that is not Latin-1 without NUL characters.
    public func encode(_ image: DecodedImage) throws(EmbeddingCacheError) -> Data {
        guard (0...9).contains(compressionLevel) else {
            throw EmbeddingCacheError(.invalidArgument, "PNG compression level \(compressionLevel) is not in 0...9")
        }
        var keywords = [[CChar]]()
        var texts = [[CChar]]()
        for chunk in text {
            keywords.append(try Self.latin1(chunk.keyword, keyword: true))
            texts.append(try Self.latin1(chunk.text, keyword: false))
        }
        return try CodecOutput.encode(.png) { output in
            withPointers(to: keywords) { keywordPointers in
                withPointers(to: texts) { textPointers in
                    image.pixels.withUnsafeBytes { pixels in
                        embcache_png_write(
                            pixels.bindMemory(to: UInt8.self).baseAddress,
                            UInt32(image.width),
                            UInt32(image.height),
                            image.rowBytes,
                            Int32(image.layout.channelCount),
                            Int32(image.bitDepth),
                            Int32(compressionLevel),
                            interlaced ? 1 : 0,
                            keywordPointers,
                            textPointers,
                            Int32(text.count),
                            output
                        )
                    }
                }
            }
        }
    }

    /// The NUL-terminated Latin-1 bytes of a keyword or text.
    private static func latin1(_ string: String, keyword: Bool) throws(EmbeddingCacheError) -> [CChar] {
        let scalars = string.unicodeScalars.map(\.value)
        let valid =
            keyword
            ? (1...79).contains(scalars.count) && scalars.allSatisfy { (32...126).contains($0) }
                && !string.hasPrefix(" ") && !string.hasSuffix(" ") && !string.contains("  ")
            : scalars.allSatisfy { (1...255).contains($0) }
        guard valid else {
            let what = keyword ? "keyword '\(string)'" : "text of \(scalars.count) characters"
            throw EmbeddingCacheError(.invalidArgument, "PNG tEXt \(what) is not valid Latin-1 for the chunk")
        }
        return scalars.map { CChar(bitPattern: UInt8($0)) } + [0]
    }
}

/// Calls `body` with an array of C string pointers into `strings`, valid only inside it.
private func withPointers<Result>(
    to strings: [[CChar]],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> Result
) -> Result {
    func recurse(_ index: Int, _ pointers: [UnsafePointer<CChar>?]) -> Result {
        guard index < strings.count else { return pointers.withUnsafeBufferPointer { body($0.baseAddress) } }
        return strings[index].withUnsafeBufferPointer { recurse(index + 1, pointers + [$0.baseAddress]) }
    }
    return recurse(0, [])
}
