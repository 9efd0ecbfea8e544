internal import Crypto
public import EmbeddingCache

/// `builtin:bytes`: a deterministic float32 embedding of any input's bytes.
///
/// The vector is a unit-length pseudo-random vector seeded by the SHA-256 of the bytes: equal
/// bytes give equal vectors, any changed byte gives an unrelated vector. `cost-ms` emulates a
/// model's per-item cost with a sleep that leaves the CPU free, as a GPU would; it is not part of
/// the identity, since it does not change the output.
public struct BytesEncoder: EmbeddingEncoder {
    /// The vector length (`dim`).
    public let dimension: Int
    /// The emulated cost per item, in milliseconds (`cost-ms`).
    public let costMilliseconds: Double
    /// The preferred batch size (`batch`).
    public let preferredBatchSize: Int

    /// Creates the encoder.
    ///
    /// - Parameters:
    ///   - dimension: The vector length.
    ///   - costMilliseconds: The emulated per-item cost.
    ///   - batchSize: The preferred batch size.
    public init(dimension: Int = 384, costMilliseconds: Double = 0, batchSize: Int = 64) {
        self.dimension = dimension
        self.costMilliseconds = costMilliseconds
        self.preferredBatchSize = batchSize
    }

    /// `builtin:bytes/v1?dim=N` with preprocessing `raw-bytes`.
    public var namespace: Namespace {
        Namespace(model: "builtin:bytes/v1?dim=\(dimension)", preprocessing: "raw-bytes")
    }

    /// One float32 tensor `embedding` of shape `[dim]`.
    public var schema: RecordSchema { .embedding(dimension: dimension) }

    /// Embeds each input; sleeps `cost-ms` per item first.
    public func encode(_ batch: [EncoderInput]) async throws -> [Result<TensorRecord, EmbeddingCacheError>] {
        if costMilliseconds > 0 {
            try await Task.sleep(for: .milliseconds(costMilliseconds * Double(batch.count)))
        }
        return batch.map { .success(TensorRecord(single: Tensor(float32: vector(for: $0)))) }
    }

    /// The unit vector for one input: SplitMix64 seeded by the SHA-256 of the parts.
    func vector(for input: EncoderInput) -> [Float] {
        var hasher = SHA256()
        for part in input.parts { hasher.update(data: part) }
        var generator = SplitMix64(seed: hasher.finalize().withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        return UnitVector.normalised((0..<dimension).map { _ in generator.nextSigned() })
    }
}
