public import EmbeddingCache
internal import FoundationEssentials

/// Deterministic keys, namespaces and records for tests: the same seed always gives the same value.
///
/// ```swift
/// let entry = Fixtures.entry(seed: 7, dimension: 384, in: Fixtures.namespace)
/// try await store.put([entry], in: Fixtures.namespace)
/// ```
public enum Fixtures {
    /// A namespace for tests: a made-up model, preprocessing and lossless storage.
    public static let namespace = Namespace(model: "test/model@1", preprocessing: "identity")

    /// A digest made from `seed` (not the SHA-256 of anything).
    ///
    /// - Parameter seed: Any number; different seeds give different digests.
    /// - Returns: The digest.
    public static func digest(seed: UInt64) -> ContentDigest {
        var generator = SplitMix64(seed: seed ^ 0xD16E_57D1_6E57)
        let bytes = (0..<4).flatMap { _ in withUnsafeBytes(of: generator.next().littleEndian, Array.init) }
        return ContentDigest(bytes: bytes)!
    }

    /// A record holding one float32 vector of `dimension` values in [-1, 1).
    ///
    /// - Parameters:
    ///   - seed: Any number; different seeds give different values.
    ///   - dimension: The vector length.
    /// - Returns: The record.
    public static func record(seed: UInt64, dimension: Int) -> TensorRecord {
        var generator = SplitMix64(seed: seed)
        let values = (0..<dimension).map { _ in Float(generator.next() >> 40) / Float(1 << 23) - 1 }
        return TensorRecord(single: Tensor(float32: values))
    }

    /// Seals `record` as the cache would store it under `digest` in `namespace`.
    ///
    /// - Parameters:
    ///   - record: The record.
    ///   - digest: Its key's digest.
    ///   - namespace: Its key's namespace.
    /// - Returns: The payload and checksum.
    public static func stored(_ record: TensorRecord, digest: ContentDigest, in namespace: Namespace) -> StoredRecord {
        RecordChecksum(namespace: namespace).seal(record, digest: digest)
    }

    /// A sealed entry: ``digest(seed:)`` with a ``record(seed:dimension:)`` of the same seed.
    ///
    /// - Parameters:
    ///   - seed: Any number.
    ///   - dimension: The vector length.
    ///   - namespace: The namespace it is sealed for.
    /// - Returns: The entry.
    public static func entry(seed: UInt64, dimension: Int = 16, in namespace: Namespace = namespace) -> StoreEntry {
        let digest = digest(seed: seed)
        return StoreEntry(
            digest: digest,
            record: stored(record(seed: seed, dimension: dimension), digest: digest, in: namespace)
        )
    }
}
