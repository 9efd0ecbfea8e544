internal import CEmbeddingCacheImageCodecs
internal import EmbeddingCache
internal import FoundationEssentials

/// Runs a C writer and turns its malloc'd output into `Data`, or its message into an error.
enum CodecOutput {
    static func encode(
        _ format: ImageFormat,
        _ write: (UnsafeMutablePointer<embcache_codec_output>) -> Int32
    ) throws(EmbeddingCacheError) -> Data {
        var output = embcache_codec_output()
        guard write(&output) == 0 else {
            let message = withUnsafeBytes(of: output.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw EmbeddingCacheError(.invalidArgument, "cannot write \(format.rawValue): \(message)")
        }
        defer { embcache_codec_output_free(&output) }
        return Data(bytes: output.data, count: output.size)
    }
}
