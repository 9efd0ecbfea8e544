public import EmbeddingCache
import Foundation

/// An ``EmbeddingCache/EmbeddingEncoder`` that sends misses to an ``OpenAIUpstream``.
///
/// Each record holds two tensors: `embedding` (float32, the upstream's vector) and `tokens` (one
/// int64: the input's share of the call's `usage.prompt_tokens`, so a later hit can report it).
/// Its namespace is ``EmbeddingsParameters/namespace(for:statedIdentity:)``: the same request
/// fields give the same namespace whether they come from `embcache serve` or from
/// `--encoder openai:URL?model=NAME&…`.
///
/// ```swift
/// let encoder = UpstreamEncoder(upstream: upstream, parameters: .init(model: "e5"), kind: .text)
/// let cache = EmbeddingCache(store: store, encoder: encoder)
/// ```
public struct UpstreamEncoder: EmbeddingEncoder {
    /// The upstream misses go to.
    public let upstream: OpenAIUpstream
    /// The request fields sent with every call.
    public let parameters: EmbeddingsParameters
    /// Whether inputs are texts or token-id lists (``EmbeddingsItems/keyBytes(ofTokenIDs:)``).
    public let kind: EmbeddingsInputKind
    /// The namespace records are stored in.
    public let namespace: Namespace

    /// The name of the tensor holding an input's token count.
    public static let tokensName = "tokens"

    /// Creates an encoder.
    ///
    /// - Parameters:
    ///   - upstream: Where misses go.
    ///   - parameters: `model` and the other fields that change the output.
    ///   - kind: Texts or token ids.
    ///   - statedIdentity: What the upstream states it serves, added to the model identity.
    public init(
        upstream: OpenAIUpstream,
        parameters: EmbeddingsParameters,
        kind: EmbeddingsInputKind,
        statedIdentity: String? = nil
    ) {
        self.upstream = upstream
        self.parameters = parameters
        self.kind = kind
        self.namespace = parameters.namespace(for: kind, statedIdentity: statedIdentity)
    }

    /// The upstream's batch limit.
    public var preferredBatchSize: Int { upstream.configuration.maximumBatchSize }

    /// The upstream's concurrency limit.
    public var concurrentBatches: Int { upstream.configuration.maximumConcurrentCalls }

    /// A float32 `embedding` of the requested `dimensions` (any length, equal within a call,
    /// without it) and a one-element int64 `tokens`.
    public var schema: RecordSchema {
        RecordSchema([
            .init(
                name: "embedding",
                dtype: .float32,
                shape: [parameters.dimensions.map(RecordSchema.Dimension.fixed) ?? .variable("dimensions")]
            ),
            .init(name: Self.tokensName, dtype: .int64, shape: [.fixed(1)]),
        ])
    }

    /// Sends the batch upstream in one or more calls and turns each answer into a record.
    ///
    /// - Parameter batch: Texts as UTF-8, or token ids as ``EmbeddingsItems/keyBytes(ofTokenIDs:)``.
    /// - Returns: One record per input, in order.
    /// - Throws: What ``OpenAIUpstream/embeddings(_:parameters:)`` throws, or
    ///   ``EmbeddingCache/EmbeddingCacheError/Code/invalidInput`` for bytes that are not an input of
    ///   this kind.
    public func encode(_ batch: [EncoderInput]) async throws -> [Result<TensorRecord, EmbeddingCacheError>] {
        let items = try Self.items(of: batch, kind: kind)
        return try await upstream.embeddings(items, parameters: parameters).map { item in
            Result { () throws(EmbeddingCacheError) in
                try TensorRecord([
                    ("embedding", Tensor(float32: item.embedding)),
                    (Self.tokensName, try Tensor(dtype: .int64, shape: [1], data: Self.bytes(of: Int64(item.tokens)))),
                ])
            }
        }
    }

    /// The inputs as upstream items.
    static func items(
        of batch: [EncoderInput],
        kind: EmbeddingsInputKind
    ) throws(EmbeddingCacheError) -> EmbeddingsItems {
        switch kind {
        case .text:
            var texts = [String]()
            for input in batch {
                guard let text = String(validating: input.bytes, as: UTF8.self) else {
                    throw EmbeddingCacheError(.invalidInput, "input is not UTF-8 text", input: input.label)
                }
                texts.append(text)
            }
            return .texts(texts)
        case .tokens:
            var lists = [[UInt32]]()
            for input in batch {
                guard let ids = EmbeddingsItems.tokenIDs(fromKeyBytes: input.bytes) else {
                    throw EmbeddingCacheError(.invalidInput, "input is not a list of token ids", input: input.label)
                }
                lists.append(ids)
            }
            return .tokens(lists)
        }
    }

    static func bytes(of value: Int64) -> Data {
        withUnsafeBytes(of: value.littleEndian) { Data($0) }
    }

    /// The token count a record holds, or 0 when it holds none.
    ///
    /// - Parameter record: A record this encoder produced.
    /// - Returns: The `tokens` value.
    public static func tokens(in record: TensorRecord) -> Int {
        guard let tensor = record[tokensName], tensor.dtype == .int64, tensor.data.count == 8 else { return 0 }
        return Int(truncatingIfNeeded: tensor.data.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }
}
