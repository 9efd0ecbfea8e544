/// What an encoder reads of an input: its bytes as they are, or only the pixels they decode to.
///
/// An encoder that reads only decoded pixels gives two files with identical pixels identical
/// records, which is what makes a pixel-level ``SecondaryKey`` safe in front of it.
public enum EncoderInputView: String, Sendable, Hashable {
    /// Every byte of the input matters (metadata, ICC profiles, compression included).
    case bytes
    /// Only the decoded, upright pixels matter (their values, dimensions and channel layout).
    case decodedPixels = "decoded-pixels"
}
