public import EmbeddingCache

/// The encoders named `builtin:NAME`: deterministic, dependency-free, for demos, tests and
/// benchmarks.
public enum BuiltinEncoders {
    /// The names `builtin:` accepts.
    public static let names = ["bytes", "pixel-projection"]

    /// Builds the built-in encoder a specification names.
    ///
    /// - Parameter specification: A `builtin:` specification.
    /// - Returns: The encoder.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` for an unknown name or parameter.
    public static func make(_ specification: EncoderSpecification) throws(EmbeddingCacheError) -> any EmbeddingEncoder {
        var parameters = ParameterReader(specification)
        let encoder: any EmbeddingEncoder
        switch specification.name {
        case "bytes":
            encoder = BytesEncoder(
                dimension: try parameters.number("dim", default: 384, in: 1...4_194_304),
                costMilliseconds: try parameters.number("cost-ms", default: 0, in: 0...60_000),
                batchSize: try parameters.number("batch", default: 64, in: 1...65_536)
            )
        case "pixel-projection":
            encoder = try PixelProjectionEncoder(
                size: try parameters.number("size", default: 64, in: 1...1_024),
                dimension: try parameters.number("dim", default: 384, in: 1...65_536),
                seed: try parameters.number("seed", default: 0, in: 0...UInt64.max),
                costMilliseconds: try parameters.number("cost-ms", default: 0, in: 0...60_000),
                batchSize: try parameters.number("batch", default: 64, in: 1...65_536)
            )
        default:
            throw EmbeddingCacheError(
                .invalidArgument,
                "unknown built-in encoder '\(specification.name)'; known: \(names.joined(separator: ", "))"
            )
        }
        try parameters.finish()
        return encoder
    }
}

/// Reads typed parameters of a specification and rejects the ones nobody read.
struct ParameterReader {
    private let specification: EncoderSpecification
    private var unread: [String]

    init(_ specification: EncoderSpecification) {
        self.specification = specification
        unread = specification.parameters.map(\.key)
    }

    /// The parameter `key` as a number in `range`, or `value` when it is not given.
    mutating func number<Number: LosslessStringConvertible & Comparable>(
        _ key: String,
        default value: Number,
        in range: ClosedRange<Number>
    ) throws(EmbeddingCacheError) -> Number {
        guard let text = take(key) else { return value }
        guard let number = Number(text), range.contains(number) else { throw invalid(key, text, range) }
        return number
    }

    func finish() throws(EmbeddingCacheError) {
        guard unread.isEmpty else {
            throw EmbeddingCacheError(
                .invalidArgument,
                "encoder '\(specification)' has unknown parameter(s): \(unread.joined(separator: ", "))"
            )
        }
    }

    private mutating func take(_ key: String) -> String? {
        unread.removeAll { $0 == key }
        return specification.parameters.first { $0.key == key }?.value
    }

    private func invalid(_ key: String, _ text: String, _ range: some CustomStringConvertible) -> EmbeddingCacheError {
        EmbeddingCacheError(.invalidArgument, "encoder '\(specification)': \(key)=\(text) is not a number in \(range)")
    }
}
