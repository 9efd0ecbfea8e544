import EmbeddingCache
import EmbeddingCacheUpstream
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat

/// The handlers behind ``EmbeddingsServer/router()``.
struct EmbeddingsRoutes: Sendable {
    let store: any EmbeddingStore
    /// `nil` on a server of records only.
    let proxy: EmbeddingsProxy?
    let maximumBodyBytes: Int
    let maximumRecordsResponseBytes: Int
    let tokens: BearerTokens?
    let metrics: ServerMetrics?

    /// The scope of the request's bearer token; `write` when no tokens are configured.
    ///
    /// - Throws: ``OpenAIError`` 401 when tokens are configured and the request presents none of them.
    func scope(of request: Request) throws(OpenAIError) -> BearerTokens.Scope {
        guard let tokens else { return .write }
        guard let scope = tokens.scope(ofAuthorization: request.headers[.authorization]) else {
            throw OpenAIError(
                status: .unauthorized,
                message: "a valid bearer token is required (Authorization: Bearer TOKEN)",
                code: "invalid_api_key"
            )
        }
        return scope
    }

    /// The proxy, on a server that has an upstream.
    ///
    /// - Throws: ``OpenAIError`` 404 (`no_upstream`) on a server of records only.
    func upstreamProxy() throws(OpenAIError) -> EmbeddingsProxy {
        guard let proxy else {
            throw OpenAIError(
                status: .notFound,
                message:
                    "this server has no upstream and serves records only; start embcache serve with --upstream URL",
                code: "no_upstream"
            )
        }
        return proxy
    }

    /// The request's body, read whole.
    ///
    /// - Throws: ``OpenAIError`` 413 when it is larger than ``maximumBodyBytes`` (read no further).
    func body(of request: Request) async throws -> Data {
        do {
            let bytes = try await request.body.collect(upTo: maximumBodyBytes)
            return Data(buffer: bytes, byteTransferStrategy: .noCopy)
        } catch is NIOTooManyBytesError {
            throw OpenAIError(
                status: .contentTooLarge,
                message: "the request body is larger than \(maximumBodyBytes) bytes",
                code: "request_too_large"
            )
        }
    }

    /// The header giving how many items were served from the store.
    static let hitsHeader = HTTPField.Name("X-Embcache-Hits")!
    /// The header giving how many items were not.
    static let missesHeader = HTTPField.Name("X-Embcache-Misses")!

    /// `POST /v1/embeddings`.
    func embeddings(_ request: Request, context: some RequestContext) async throws -> Response {
        let scope = try scope(of: request)
        let proxy = try upstreamProxy()
        let parsed = try EmbeddingsRequest(parsing: try await body(of: request))
        let answer: EmbeddingsProxy.Answer
        let upstreamTime = UpstreamTime()
        do {
            answer = try await UpstreamTime.$current.withValue(upstreamTime) {
                try await proxy.embeddings(
                    parsed,
                    bypassingCache: Self.bypassesCache(request.headers),
                    readOnly: scope == .read
                )
            }
        } catch {
            metrics?.items(hits: 0, misses: 0, errors: parsed.items.count, tokensSaved: 0)
            throw error
        }
        if let metrics {
            let tokens = answer.records.reduce(0) { $0 + UpstreamEncoder.tokens(in: $1) }
            let saved = answer.records.isEmpty ? 0 : tokens * answer.hits / answer.records.count
            metrics.items(hits: answer.hits, misses: answer.misses, errors: 0, tokensSaved: saved)
        }
        let body = try EmbeddingsResponse.body(
            for: answer.records,
            model: parsed.parameters.model,
            encoding: parsed.encoding
        )
        context.logger.info(
            "embeddings",
            metadata: ["items": "\(answer.records.count)", "hits": "\(answer.hits)", "misses": "\(answer.misses)"]
        )
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[Self.hitsHeader] = String(answer.hits)
        headers[Self.missesHeader] = String(answer.misses)
        headers.append(ServerTiming.field("upstream", upstreamTime.duration))
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: body)))
    }

    /// Whether `Cache-Control` says `no-cache` or `no-store`.
    static func bypassesCache(_ headers: HTTPFields) -> Bool {
        headers[values: .cacheControl].contains { value in
            value.split(separator: ",").contains {
                let directive = $0.trimmingCharacters(in: .whitespaces).lowercased()
                return directive == "no-cache" || directive == "no-store"
            }
        }
    }

    /// `GET /v1/models`: the upstream's answer as it came.
    func models(_ request: Request) async throws -> Response {
        _ = try scope(of: request)
        let proxy = try upstreamProxy()
        let answer: OpenAIUpstream.PassedAnswer
        do {
            answer = try await proxy.upstream.models()
        } catch let error as EmbeddingCacheError {
            throw OpenAIError(error)
        }
        var headers = HTTPFields()
        headers[.contentType] = answer.contentType ?? "application/json"
        return Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: answer.body))
    }

    /// `GET /metrics`: Prometheus' text format, the store's counts read now.
    func metrics(_ request: Request) async throws -> Response {
        _ = try scope(of: request)
        guard let metrics else { throw OpenAIError(status: .notFound, message: "metrics are not served") }
        let text: [UInt8]
        do {
            text = try await metrics.exposition(reading: store)
        } catch {
            throw OpenAIError(status: .serviceUnavailable, message: "the store does not answer", type: "server_error")
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }

    /// `GET /readyz`: 200 once the store answers a lookup, 503 while it does not.
    func readiness() async throws -> Response {
        do {
            _ = try await store.records(for: [Self.probe], in: Self.probeNamespace)
        } catch {
            throw OpenAIError(status: .serviceUnavailable, message: "the store does not answer", type: "server_error")
        }
        return Self.status("ready")
    }

    private static let probe = ContentDigest(of: Data())
    private static let probeNamespace = Namespace(model: "embcache-readiness", preprocessing: "none")

    /// A `{"status": …}` answer.
    static func status(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: .ok,
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: #"{"status":"\#(text)"}"#))
        )
    }
}
