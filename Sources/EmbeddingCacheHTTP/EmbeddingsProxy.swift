public import EmbeddingCache
public import EmbeddingCacheUpstream
import Foundation
import HTTPTypes
import Synchronization

/// The caching proxy behind `POST /v1/embeddings`, testable without a socket.
///
/// Each request's items are cached one by one through an ``EmbeddingCache/EmbeddingCache`` whose
/// namespace is the request's ``EmbeddingsParameters`` (its `model` string and every field other
/// than `input`, `encoding_format` and `user`), its input kind, and what the upstream states about
/// the model's weights where it states anything (read again every minute; see
/// ``EmbeddingCacheUpstream/OpenAIUpstream/statedIdentity(model:)``). Repeated items in a request are
/// encoded once, only misses go upstream, answers are checked before anything is stored, errors
/// are never stored, and concurrent requests missing the same item share one upstream call.
///
/// ```swift
/// let proxy = EmbeddingsProxy(store: store, upstream: upstream)
/// let answer = try await proxy.embeddings(EmbeddingsRequest(parsing: body))
/// print(answer.hits, answer.misses)
/// ```
public final class EmbeddingsProxy: Sendable {
    /// Where items are cached.
    public let store: any EmbeddingStore
    /// Where misses go.
    public let upstream: OpenAIUpstream

    /// The most namespaces whose caches are kept between requests (so that their single flight spans
    /// requests); a request in a further namespace evicts the cache used least recently.
    public static let maximumKeptNamespaces = 256

    private let caches = Mutex(RecentlyUsed<Namespace, EmbeddingCache>(capacity: maximumKeptNamespaces))
    private let identities: StatedIdentities

    /// Creates a proxy.
    ///
    /// - Parameters:
    ///   - store: Where items are cached.
    ///   - upstream: Where misses go.
    public init(store: any EmbeddingStore, upstream: OpenAIUpstream) {
        self.store = store
        self.upstream = upstream
        self.identities = StatedIdentities(upstream: upstream)
    }

    /// What one request produced.
    public struct Answer: Sendable {
        /// One record per item, in request order.
        public var records: [TensorRecord]
        /// How many items were served from the store.
        public var hits: Int
        /// How many items were not (encoded upstream, or shared with a concurrent request's call).
        public var misses: Int
    }

    /// Serves a request's items from the cache, sending misses upstream.
    ///
    /// - Parameters:
    ///   - request: The parsed request.
    ///   - bypassingCache: Neither read nor write the store (`Cache-Control: no-cache` or `no-store`).
    ///   - readOnly: Answer from the store only; a request with any item not stored is refused.
    /// - Returns: The records and the hit and miss counts.
    /// - Throws: ``OpenAIError`` mapped from the first failed item or the store's error (nothing
    ///   failed is stored), or 403 for a read-only request with items not stored.
    public func embeddings(
        _ request: EmbeddingsRequest,
        bypassingCache: Bool = false,
        readOnly: Bool = false
    ) async throws(OpenAIError) -> Answer {
        let encoder = UpstreamEncoder(
            upstream: upstream,
            parameters: request.parameters,
            kind: request.items.kind,
            statedIdentity: await identities.identity(of: request.parameters.model)
        )
        let cache = self.cache(for: encoder)
        if readOnly { return try await cached(request.items, from: cache) }
        let result: BatchResult
        do {
            result = try await cache.results(for: Self.inputs(request.items), bypassingCache: bypassingCache)
        } catch let error as EmbeddingCacheError {
            throw OpenAIError(error)
        } catch {
            throw OpenAIError(status: .internalServerError, message: "the cache failed", type: "server_error")
        }
        var records = [TensorRecord]()
        records.reserveCapacity(result.results.count)
        for outcome in result.results {
            switch outcome {
            case .success(let record): records.append(record)
            case .failure(let error): throw OpenAIError(error)
            }
        }
        return Answer(records: records, hits: result.counters.hits, misses: result.counters.misses)
    }

    /// The items from the store only: 403 unless every one is stored.
    private func cached(_ items: EmbeddingsItems, from cache: EmbeddingCache) async throws(OpenAIError) -> Answer {
        let found: [TensorRecord?]
        do {
            found = try await cache.cachedRecords(for: Self.inputs(items))
        } catch let error as EmbeddingCacheError {
            throw OpenAIError(error)
        } catch {
            throw OpenAIError(status: .internalServerError, message: "the cache failed", type: "server_error")
        }
        let records = found.compactMap(\.self)
        guard records.count == found.count else {
            throw OpenAIError(
                status: .forbidden,
                message:
                    "this token may only read the cache, and \(found.count - records.count) of the \(found.count) items are not cached",
                code: "read_only_token"
            )
        }
        return Answer(records: records, hits: records.count, misses: 0)
    }

    /// The cache of an encoder's namespace, kept (evicting the least recently used one when
    /// ``maximumKeptNamespaces`` are kept), so that concurrent requests in one namespace share its
    /// single flight.
    private func cache(for encoder: UpstreamEncoder) -> EmbeddingCache {
        caches.withLock { caches in
            if let cache = caches[encoder.namespace] { return cache }
            let cache = EmbeddingCache(store: store, encoder: encoder)
            caches[encoder.namespace] = cache
            return cache
        }
    }

    /// The namespaces whose caches are kept.
    var keptNamespaces: Set<Namespace> { caches.withLock { Set($0.keys) } }

    /// The items as cache inputs: texts as their UTF-8 bytes, token ids as their key bytes,
    /// labelled by position (never by content).
    static func inputs(_ items: EmbeddingsItems) -> [EmbeddingInput] {
        switch items {
        case .texts(let texts):
            texts.enumerated().map { EmbeddingInput.text($1, label: "input[\($0)]") }
        case .tokens(let lists):
            lists.enumerated().map {
                EmbeddingInput.bytes(EmbeddingsItems.keyBytes(ofTokenIDs: $1), label: "input[\($0)]")
            }
        }
    }
}
