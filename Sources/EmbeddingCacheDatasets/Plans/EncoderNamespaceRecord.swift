public import EmbeddingCache
import Foundation

/// The namespace an encoder specification resolved to, recorded in the store itself, so a reader
/// that does not start the encoder (a `process:` worker's identity comes from its handshake) finds
/// the namespace of a plan's field: the Python package's dataset over precomputed samples does.
///
/// One record per (specification text, storage policy), in the namespace ``namespace``, keyed by
///
///     ContentDigest.composite(["embcache/encoder-namespace/v1", specification, storage policy name])
///
/// and holding three uint8 tensors, `model`, `preprocessing` and `storage`: the UTF-8 bytes of the
/// resolved namespace's fields. A later run of the same specification replaces it, so it names the
/// namespace the last run used.
///
/// ```swift
/// try await EncoderNamespaceRecord.record(cache.namespace, specification: "builtin:bytes", in: store)
/// let namespace = try await EncoderNamespaceRecord.lookUp("builtin:bytes", storage: .lossless, in: store)
/// ```
public enum EncoderNamespaceRecord {
    /// The namespace these records live in.
    public static let namespace = Namespace(model: "embcache/encoder-namespaces", preprocessing: "v1")

    /// The key of a specification's record.
    ///
    /// - Parameters:
    ///   - specification: The encoder specification as the plan writes it (`builtin:bytes?dim=64`).
    ///   - storage: The storage policy its records are stored under.
    /// - Returns: The record's content digest.
    public static func key(specification: String, storage: StoragePolicy) -> ContentDigest {
        ContentDigest.composite(
            ["embcache/encoder-namespace/v1", specification, storage.description].map { Data($0.utf8) }
        )
    }

    /// Records the namespace `specification` resolved to, replacing an earlier record.
    ///
    /// - Parameters:
    ///   - resolved: The namespace the encoder's cache uses.
    ///   - specification: The encoder specification as the plan writes it.
    ///   - store: The store to record it in.
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be written.
    public static func record(
        _ resolved: Namespace,
        specification: String,
        in store: any EmbeddingStore
    ) async throws {
        let parts =
            [("model", resolved.model), ("preprocessing", resolved.preprocessing)]
            + [("storage", resolved.storage.description)]
        let record = try TensorRecord(
            parts.map { name, text in
                (name, try Tensor(dtype: .uint8, shape: [text.utf8.count], data: Data(text.utf8)))
            }
        )
        let digest = key(specification: specification, storage: resolved.storage)
        let sealed = RecordChecksum(namespace: namespace).seal(record, digest: digest)
        try await store.put([StoreEntry(digest: digest, record: sealed)], in: namespace)
    }

    /// The namespace recorded for `specification`, or `nil` when none is (or it does not verify).
    ///
    /// - Parameters:
    ///   - specification: The encoder specification as the plan writes it.
    ///   - storage: The storage policy its records are stored under.
    ///   - store: The store to read.
    /// - Returns: The namespace the last run of the specification used.
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be read.
    public static func lookUp(
        _ specification: String,
        storage: StoragePolicy,
        in store: any EmbeddingStore
    ) async throws -> Namespace? {
        let digest = key(specification: specification, storage: storage)
        guard let stored = try await store.records(for: [digest], in: namespace).first ?? nil,
            let record = RecordChecksum(namespace: namespace).open(stored, digest: digest),
            let model = text(record["model"]), let preprocessing = text(record["preprocessing"]),
            let policy = text(record["storage"]).flatMap(StoragePolicy.init(rawValue:))
        else { return nil }
        return Namespace(model: model, preprocessing: preprocessing, storage: policy)
    }

    private static func text(_ tensor: Tensor?) -> String? {
        guard let tensor, tensor.dtype == .uint8 else { return nil }
        return String(bytes: tensor.data, encoding: .utf8)
    }
}
