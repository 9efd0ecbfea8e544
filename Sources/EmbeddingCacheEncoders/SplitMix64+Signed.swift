internal import EmbeddingCache

extension SplitMix64 {
    /// The next value, uniform in [-1, 1): the top 53 bits as a fraction, scaled.
    mutating func nextSigned() -> Float {
        Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1)
    }
}
