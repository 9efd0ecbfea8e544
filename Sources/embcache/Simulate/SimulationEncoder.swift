import ArgumentParser
import EmbeddingCache
import EmbeddingCacheEncoders
import EmbeddingCacheSimulation

/// Checks `--encoder` against `--strategies`, and picks the default strategies for an encoder.
enum SimulationEncoder {
    /// Refuses a malformed encoder, and `pixel` with a built-in encoder that reads bytes.
    ///
    /// - Throws: `ValidationError` naming the encoder.
    static func validate(_ encoder: String, strategies: [CacheStrategy]?) throws {
        do {
            let specification = try EncoderSpecification(parsing: encoder)
            try specification.validate()
            if strategies?.contains(.pixel) == true, specification.scheme != EncoderSpecification.processScheme {
                let built = try specification.makeEncoder()
                if built.inputView != .decodedPixels {
                    throw ValidationError(
                        "--strategies pixel needs an encoder that reads decoded pixels only (such as "
                            + "builtin:pixel-projection); '\(encoder)' reads \(built.inputView.rawValue)"
                    )
                }
            }
        } catch let error as EmbeddingCacheError {
            throw ValidationError(error.message)
        }
    }

    /// The strategies given, or by default every strategy the encoder allows (pixel only for an
    /// encoder that reads decoded pixels).
    static func strategies(_ given: [CacheStrategy]?, for encoder: any EmbeddingEncoder) -> [CacheStrategy] {
        given ?? CacheStrategy.allCases.filter { $0 != .pixel || encoder.inputView == .decodedPixels }
    }
}
