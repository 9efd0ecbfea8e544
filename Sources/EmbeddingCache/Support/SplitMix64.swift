/// Sebastiano Vigna's SplitMix64: a tiny random number generator fully determined by its seed.
///
/// The built-in encoders draw their projections from it; fixtures, synthetic datasets and
/// simulations use it so that the same seed always gives the same values, on every platform.
///
/// ```swift
/// var generator = SplitMix64(seed: 42)
/// let order = (0..<10).shuffled(using: &generator)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator.
    ///
    /// - Parameter seed: Any number; the same seed gives the same sequence.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
