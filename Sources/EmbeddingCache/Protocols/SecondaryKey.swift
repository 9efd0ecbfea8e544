/// A second key for single inputs whose byte digest missed, such as a digest of decoded pixels.
///
/// When ``EmbeddingCache/Configuration/secondaryKey`` is set, a byte-digest miss is digested again
/// with this key and looked up under the result in the same namespace. A hit serves that record
/// and stores it under the byte digest too, so the next lookup hits on bytes without deriving the
/// key again; a miss is encoded and stored under both digests. Composite inputs use their byte
/// digest only.
///
/// The tier is only as safe as the encoder's view of the input: two inputs with the same secondary
/// digest must get the same record from the encoder. The cache therefore refuses a secondary key
/// whose ``inputView`` differs from the encoder's ``EmbeddingEncoder/inputView``.
public protocol SecondaryKey: Sendable {
    /// The view of an input this key summarises.
    var inputView: EncoderInputView { get }

    /// The input's secondary digest, domain-separated from byte digests.
    ///
    /// - Parameter input: A single input whose byte digest missed.
    /// - Returns: The digest.
    /// - Throws: ``EmbeddingCacheError`` naming the input when it cannot be read this way (an
    ///   undecodable image); that input fails alone.
    func digest(of input: EncoderInput) throws(EmbeddingCacheError) -> ContentDigest
}
