internal import CEmbeddingCacheChecksum
public import FoundationEssentials

/// The integrity checksum of a stored record, verified on every read.
///
/// It covers the namespace, the content digest and the payload, so a record is rejected not only
/// when its bytes change but also when it is found under another key. The payload is summed with a
/// three-lane CRC32C (hardware instructions where the CPU has them, about 3 bytes per cycle per
/// lane), seeded with the CRC32C of the namespace and digest:
///
///     seed     = CRC32C(namespace.description as UTF-8 ‖ 32 digest bytes)
///     checksum = CRC32C-3lane(seed, payload)
///
/// It detects corruption, not tampering: a deliberate forger can match a CRC.
public struct RecordChecksum: Sendable {
    private let namespaceSeed: UInt32

    /// Prepares checksums for one namespace.
    ///
    /// - Parameter namespace: The namespace whose records are summed.
    public init(namespace: Namespace) {
        let text = Array(namespace.description.utf8)
        namespaceSeed = embcache_crc32c(0, text, text.count)
    }

    /// The checksum of `payload` stored under `digest`.
    ///
    /// - Parameters:
    ///   - payload: The encoded record.
    ///   - digest: The key's content digest.
    /// - Returns: The 32-bit checksum.
    /// - Complexity: O(n), at memory speed for large payloads.
    public func checksum(of payload: Data, digest: ContentDigest) -> UInt32 {
        let seed = digest.withUnsafeBytes { embcache_crc32c(namespaceSeed, $0.baseAddress, $0.count) }
        return payload.withUnsafeBytes { embcache_crc32c_3lane(seed, $0.baseAddress, $0.count) }
    }

    /// Encodes `record` and sums it.
    ///
    /// - Parameters:
    ///   - record: The record to store.
    ///   - digest: The key's content digest.
    /// - Returns: The payload and checksum a store keeps.
    public func seal(_ record: TensorRecord, digest: ContentDigest) -> StoredRecord {
        let payload = RecordCodec.encode(record)
        return StoredRecord(payload: payload, checksum: checksum(of: payload, digest: digest))
    }

    /// Verifies and decodes a stored record.
    ///
    /// - Parameters:
    ///   - stored: The record as the store returned it.
    ///   - digest: The key it was found under.
    /// - Returns: The record, or `nil` when the checksum does not match or the payload is malformed.
    public func open(_ stored: StoredRecord, digest: ContentDigest) -> TensorRecord? {
        guard checksum(of: stored.payload, digest: digest) == stored.checksum else { return nil }
        return try? RecordCodec.decode(stored.payload)
    }
}
