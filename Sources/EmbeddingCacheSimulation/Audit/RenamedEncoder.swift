import EmbeddingCache

/// Another encoder's model under a changed identity: what an upgrade of the model, or a change of
/// its preprocessing, looks like to the cache (a new namespace), with the same vectors.
struct RenamedEncoder: EmbeddingEncoder {
    let base: any EmbeddingEncoder
    let namespace: Namespace

    var preferredBatchSize: Int { base.preferredBatchSize }
    var schema: RecordSchema { base.schema }
    var inputView: EncoderInputView { base.inputView }

    func encode(_ batch: [EncoderInput]) async throws -> [Result<TensorRecord, EmbeddingCacheError>] {
        try await base.encode(batch)
    }
}
