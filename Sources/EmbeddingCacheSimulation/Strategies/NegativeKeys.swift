import EmbeddingCache
import EmbeddingCacheImages
import FoundationEssentials

/// The keys of the study's negative examples, as digests domain-separated from content digests.
enum NegativeKeys {
    /// The input's path (its label): what the study's inherited pipeline keyed on.
    @Sendable static func path(_ input: EmbeddingInput) -> ContentDigest {
        ContentDigest(ofText: "embcache-simulation/path\u{0}" + input.label)
    }

    /// The 64-bit pHash of the decoded image: what the study's colleague proposed.
    ///
    /// - Throws: ``EmbeddingCacheError`` naming the input when it cannot be read or decoded.
    @Sendable static func perceptualHash(_ input: EmbeddingInput) throws(EmbeddingCacheError) -> ContentDigest {
        let image = try ImageDecoder().decode(try input.load().bytes, label: input.label)
        return ContentDigest(ofText: "embcache-simulation/phash\u{0}" + PerceptualHash(of: image).hex)
    }
}
