public import EmbeddingCache
import EmbeddingCacheEncoders

extension CacheStrategy {
    /// The strategies given, or by default every strategy the encoder allows (pixel only for an
    /// encoder that reads decoded pixels).
    ///
    /// ```swift
    /// configuration.strategies = CacheStrategy.strategies(nil, for: encoder)
    /// ```
    ///
    /// - Parameters:
    ///   - given: The strategies asked for, if any.
    ///   - encoder: The simulation's encoder.
    /// - Returns: The strategies to run.
    public static func strategies(_ given: [CacheStrategy]?, for encoder: any EmbeddingEncoder) -> [CacheStrategy] {
        given ?? allCases.filter { $0 != .pixel || encoder.inputView == .decodedPixels }
    }

    /// Refuses a malformed encoder specification, and `pixel` with a built-in encoder that reads
    /// bytes (a `process:` worker's input view is known only once it runs).
    ///
    /// - Parameters:
    ///   - specification: The encoder specification, as text.
    ///   - strategies: The strategies asked for, if any.
    /// - Throws: ``EmbeddingCacheError`` naming the encoder.
    public static func check(
        encoder specification: String,
        for strategies: [CacheStrategy]?
    ) throws(EmbeddingCacheError) {
        let parsed = try EncoderSpecification(parsing: specification)
        try parsed.validate()
        guard strategies?.contains(.pixel) == true, parsed.scheme != EncoderSpecification.processScheme else { return }
        let built = try parsed.makeEncoder()
        if built.inputView != .decodedPixels {
            throw EmbeddingCacheError(
                .invalidArgument,
                "--strategies pixel needs an encoder that reads decoded pixels only (such as "
                    + "builtin:pixel-projection); '\(specification)' reads \(built.inputView.rawValue)"
            )
        }
    }
}
