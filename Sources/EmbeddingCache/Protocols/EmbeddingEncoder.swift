/// A model behind the cache: it names its identity and turns batches of inputs into records.
///
/// The cache calls ``encode(_:)`` only for inputs it does not hold, in batches of at most
/// ``preferredBatchSize``, and checks what comes back against ``schema`` before storing it.
///
/// ```swift
/// struct MyEncoder: EmbeddingEncoder {
///     let namespace = Namespace(model: "my-model@3", preprocessing: "none")
///     let preferredBatchSize = 32
///     let schema = RecordSchema.embedding(dimension: 384)
///     func encode(_ batch: [EncoderInput]) async throws -> [Result<TensorRecord, EmbeddingCacheError>] {
///         batch.map { .success(TensorRecord(single: Tensor(float32: embed($0.bytes)))) }
///     }
/// }
/// ```
public protocol EmbeddingEncoder: Sendable {
    /// The model and preprocessing identity of every record this encoder produces.
    var namespace: Namespace { get }
    /// The batch size the encoder runs best at; the cache never sends more at once.
    var preferredBatchSize: Int { get }
    /// The tensors each record holds.
    var schema: RecordSchema { get }
    /// What the encoder reads of an input; ``EncoderInputView/bytes`` unless it says otherwise.
    var inputView: EncoderInputView { get }
    /// How many batches the cache may have in ``encode(_:)`` at once; 1 unless the encoder says
    /// otherwise (for example one per worker process it runs).
    var concurrentBatches: Int { get }

    /// Encodes a batch.
    ///
    /// - Parameter batch: The inputs, at most ``preferredBatchSize`` of them.
    /// - Returns: One result per input, in order; a failure rejects that input only.
    /// - Throws: When the whole batch failed; every input of the batch is then reported failed.
    func encode(_ batch: [EncoderInput]) async throws -> [Result<TensorRecord, EmbeddingCacheError>]
}

extension EmbeddingEncoder {
    /// Every byte of an input matters, unless the encoder says it reads only decoded pixels.
    public var inputView: EncoderInputView { .bytes }

    /// One batch at a time, unless the encoder says it serves more.
    public var concurrentBatches: Int { 1 }
}
