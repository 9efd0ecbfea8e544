import ArgumentParser
import EmbeddingCache
import EmbeddingCacheSimulation

/// Checks `--encoder` against `--strategies` for `validate()`.
enum SimulationEncoder {
    /// Refuses a malformed encoder, and `pixel` with a built-in encoder that reads bytes; see
    /// ``CacheStrategy/check(encoder:for:)``.
    ///
    /// - Throws: `ValidationError` naming the encoder.
    static func validate(_ encoder: String, strategies: [CacheStrategy]?) throws {
        do {
            try CacheStrategy.check(encoder: encoder, for: strategies)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
