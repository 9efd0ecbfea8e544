public import EmbeddingCache
import Synchronization

/// A deterministic test encoder that counts what it is asked to encode and can misbehave on cue.
///
/// Its vector for an input is a pure function of the input's bytes (``expectedVector(for:)``), so a
/// test can check a served record against a fresh computation.
///
/// ```swift
/// let encoder = CountingEncoder(dimension: 8)
/// let cache = EmbeddingCache(store: InMemoryEmbeddingStore(), encoder: encoder)
/// _ = try await cache.records(for: inputs)
/// #expect(encoder.encodedItems == inputs.count)
/// ```
public final class CountingEncoder: EmbeddingEncoder {
    /// A way to misbehave.
    public enum Fault: Sendable, Hashable {
        /// Return one record too few.
        case wrongCount
        /// Return vectors one element too long.
        case wrongShape
        /// Return NaN in every vector.
        case nonFinite
        /// Throw for the whole batch.
        case throwing
        /// Reject inputs whose label is in the set, one by one.
        case rejecting(Set<String>)
    }

    /// The namespace, from the model and preprocessing names given.
    public let namespace: Namespace
    /// The batch size.
    public let preferredBatchSize: Int
    /// One float32 vector of ``dimension``.
    public let schema: RecordSchema
    /// The vector length.
    public let dimension: Int
    private let fault: Fault?
    private let delay: Duration
    private let log = Mutex<[Int]>([])

    /// Creates the encoder.
    ///
    /// - Parameters:
    ///   - model: The model identity.
    ///   - preprocessing: The preprocessing identity.
    ///   - dimension: The vector length.
    ///   - batchSize: The preferred batch size.
    ///   - delay: How long each batch takes.
    ///   - fault: How to misbehave, if at all.
    public init(
        model: String = "counting-model",
        preprocessing: String = "none",
        dimension: Int = 8,
        batchSize: Int = 16,
        delay: Duration = .zero,
        fault: Fault? = nil
    ) {
        self.namespace = Namespace(model: model, preprocessing: preprocessing)
        self.preferredBatchSize = batchSize
        self.schema = .embedding(dimension: dimension)
        self.dimension = dimension
        self.fault = fault
        self.delay = delay
    }

    /// The sizes of the batches encoded so far, in call order.
    public var batchSizes: [Int] { log.withLock { $0 } }
    /// The number of items encoded so far.
    public var encodedItems: Int { batchSizes.reduce(0, +) }

    /// The vector this encoder returns for `bytes` (FNV-1a seeded, then varied per element).
    ///
    /// - Parameter bytes: An input's bytes (a composite's parts concatenated).
    /// - Returns: The vector.
    public func expectedVector(for bytes: some Sequence<UInt8>) -> [Float] {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return (0..<dimension).map { index in
            let mixed = (hash ^ UInt64(index)) &* 0x9E37_79B9_7F4A_7C15
            return Float(mixed >> 40) / Float(1 << 24) - 0.5
        }
    }

    /// Encodes a batch, or misbehaves as configured.
    public func encode(_ batch: [EncoderInput]) async throws -> [Result<TensorRecord, EmbeddingCacheError>] {
        log.withLock { $0.append(batch.count) }
        if delay > .zero { try await Task.sleep(for: delay) }
        var results = batch.map { input -> Result<TensorRecord, EmbeddingCacheError> in
            if case .rejecting(let labels) = fault, labels.contains(input.label) {
                return .failure(EmbeddingCacheError(.encoderFailed, "the test encoder rejects this input"))
            }
            var vector = expectedVector(for: input.parts.joined())
            if fault == .wrongShape { vector.append(0) }
            if fault == .nonFinite { vector[0] = .nan }
            return .success(TensorRecord(single: Tensor(float32: vector)))
        }
        switch fault {
        case .wrongCount: results.removeLast()
        case .throwing: throw EmbeddingCacheError(.encoderFailed, "the test encoder failed the batch")
        default: break
        }
        return results
    }
}
