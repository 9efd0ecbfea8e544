internal import CEmbeddingCacheChecksum
import Dispatch
public import FoundationEssentials

/// The integrity checksum of a stored record, verified on every read.
///
/// It covers the namespace, the content digest and the payload, so a record is rejected not only
/// when its bytes change but also when it is found under another key. The payload is cut into
/// chunks of 1 MiB (the last one shorter; an empty payload is one empty chunk), each summed with
/// plain CRC32C (hardware instructions where the CPU has them, over three stretches of the chunk at
/// once), and the sums are folded into one CRC32C seeded with the namespace and digest:
///
///     seed     = CRC32C(namespace ‖ 32 digest bytes)
///     sumᵢ     = CRC32C(0, chunkᵢ)
///     checksum = CRC32C(seed, u32le(sum₀) ‖ … ‖ u32le(sumₙ₋₁) ‖ u64le(payload length))
///
/// That is format version 3, which records are written in. The payload states its version
/// (``RecordCodec/FormatVersion``), and older ones are still verified:
///
///     version 3: namespace = "ECR2" ‖ for model, preprocessing, storage: u64le(UTF-8 byte count) ‖ UTF-8 bytes
///     version 2: the same namespace; sumᵢ = CRC32C-3lane(0, chunkᵢ) (three lanes of interleaved words)
///     version 1: as version 2, but namespace = the UTF-8 text "model | preprocessing | storage"
///                (ambiguous when a part holds " | ")
///
/// docs/format.md specifies all three. Chunks are independent, so a large payload is summed on
/// every core: verifying an 8 MB tensor costs a fraction of reading it.
///
/// It detects corruption, not tampering: a deliberate forger can match a CRC.
public struct RecordChecksum: Sendable {
    /// The namespace's seed for records of format versions 2 and 3.
    private let namespaceSeed: UInt32
    /// The namespace's seed for records of format version 1.
    private let legacyNamespaceSeed: UInt32

    /// Prepares checksums for one namespace.
    ///
    /// - Parameter namespace: The namespace whose records are summed.
    public init(namespace: Namespace) {
        var framed = RecordCodec.FormatVersion.v2.magic
        for part in [namespace.model, namespace.preprocessing, namespace.storage.description] {
            framed.appendLittleEndian(UInt64(part.utf8.count))
            framed += Array(part.utf8)
        }
        namespaceSeed = embcache_crc32c(0, framed, framed.count)
        let legacy = Array(namespace.description.utf8)
        legacyNamespaceSeed = embcache_crc32c(0, legacy, legacy.count)
    }

    /// The checksum of `payload` stored under `digest`, seeded as the payload's format version says.
    ///
    /// - Parameters:
    ///   - payload: The encoded record.
    ///   - digest: The key's content digest.
    /// - Returns: The 32-bit checksum.
    /// - Complexity: O(n), at memory speed for large payloads.
    public func checksum(of payload: Data, digest: ContentDigest) -> UInt32 {
        let version = RecordCodec.version(of: payload)
        let namespaceSeed = version == .v1 ? legacyNamespaceSeed : namespaceSeed
        // Formats 1 and 2 sum each chunk in three lanes; format 3 (and a payload of no known
        // version, which never decodes) with plain CRC32C.
        let sumChunk = version == .v1 || version == .v2 ? embcache_crc32c_3lane : embcache_crc32c
        let seed = digest.withUnsafeBytes { embcache_crc32c(namespaceSeed, $0.baseAddress, $0.count) }
        return payload.withUnsafeBytes { raw in
            let chunks = max(1, (raw.count + Self.chunkSize - 1) / Self.chunkSize)
            // One u32 per chunk, then the u64 length as two u32 words (little-endian hosts).
            return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: chunks + 2) { sums in
                let base = raw.baseAddress
                let sum = { (index: Int) in
                    let start = index * Self.chunkSize
                    let count = min(Self.chunkSize, raw.count - start)
                    sums[index] = sumChunk(0, base.map { $0 + start }, count)
                }
                if chunks >= Self.parallelChunks {
                    // Each iteration writes its own chunk's word of `sums`, read after all return.
                    nonisolated(unsafe) let sum = sum
                    DispatchQueue.concurrentPerform(iterations: chunks) { sum($0) }
                } else {
                    for index in 0..<chunks { sum(index) }
                }
                sums[chunks] = UInt32(truncatingIfNeeded: UInt64(raw.count).littleEndian)
                sums[chunks + 1] = UInt32(truncatingIfNeeded: UInt64(raw.count).littleEndian >> 32)
                return embcache_crc32c(seed, sums.baseAddress, (chunks + 2) * 4)
            }
        }
    }

    /// The payload is summed in chunks of this many bytes.
    static let chunkSize = 1 << 20
    /// From this many chunks on, they are summed on every core.
    static let parallelChunks = 4

    /// Encodes `record` and sums it.
    ///
    /// - Parameters:
    ///   - record: The record to store.
    ///   - digest: The key's content digest.
    /// - Returns: The payload and checksum a store keeps.
    public func seal(_ record: TensorRecord, digest: ContentDigest) -> StoredRecord {
        seal(record, digest: digest, version: .current)
    }

    /// Encodes `record` in a given format version and sums it (an older version only to test
    /// readers of old stores and their migration).
    ///
    /// - Parameters:
    ///   - record: The record to store.
    ///   - digest: The key's content digest.
    ///   - version: The format version to write.
    /// - Returns: The payload and checksum a store keeps.
    public func seal(_ record: TensorRecord, digest: ContentDigest, version: RecordCodec.FormatVersion) -> StoredRecord
    {
        let payload = RecordCodec.encode(record, version: version)
        return StoredRecord(payload: payload, checksum: checksum(of: payload, digest: digest))
    }

    /// The same record in the current format version, or `nil` when it does not verify.
    ///
    /// A payload of another version gets the current magic and the current version's checksum;
    /// its tensors' bytes are copied unchanged. A current one is returned as it is.
    ///
    /// - Parameters:
    ///   - stored: The record as the store returned it.
    ///   - digest: The key it was found under.
    /// - Returns: The record to store instead, or `nil` when it is corrupt.
    public func upgraded(_ stored: StoredRecord, digest: ContentDigest) -> StoredRecord? {
        guard checksum(of: stored.payload, digest: digest) == stored.checksum,
            (try? RecordCodec.decode(stored.payload)) != nil
        else { return nil }
        guard RecordCodec.version(of: stored.payload) != .current else { return stored }
        var payload = stored.payload
        payload.replaceSubrange(
            payload.startIndex..<payload.startIndex + 4,
            with: RecordCodec.FormatVersion.current.magic
        )
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
