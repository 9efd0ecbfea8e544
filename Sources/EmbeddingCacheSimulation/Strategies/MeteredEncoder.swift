public import EmbeddingCache
import Synchronization

/// An encoder that counts the items it encodes and the seconds it spends, in front of another.
///
/// Every strategy of a simulation encodes through one of these, so encoder calls and encoder
/// seconds are measured the same way whether embcache's engine or a negative example calls it.
public final class MeteredEncoder: EmbeddingEncoder {
    /// The encoder measured.
    public let base: any EmbeddingEncoder
    private let totals = Mutex((items: 0, seconds: 0.0))

    /// Wraps `base`.
    ///
    /// - Parameter base: The encoder to measure.
    public init(_ base: any EmbeddingEncoder) { self.base = base }

    /// The base encoder's namespace.
    public var namespace: Namespace { base.namespace }
    /// The base encoder's batch size.
    public var preferredBatchSize: Int { base.preferredBatchSize }
    /// The base encoder's schema.
    public var schema: RecordSchema { base.schema }
    /// The base encoder's input view, so a pixel key stays allowed in front of it.
    public var inputView: EncoderInputView { base.inputView }

    /// Items encoded and seconds spent encoding so far.
    public var reading: (items: Int, seconds: Double) { totals.withLock { $0 } }

    /// Encodes through the base encoder, counting the batch's items and time.
    public func encode(_ batch: [EncoderInput]) async throws -> [Result<TensorRecord, EmbeddingCacheError>] {
        let clock = ContinuousClock()
        let start = clock.now
        defer {
            let seconds = (clock.now - start).seconds
            totals.withLock {
                $0.items += batch.count
                $0.seconds += seconds
            }
        }
        return try await base.encode(batch)
    }
}
