import EmbeddingCache
import EmbeddingCacheUpstream
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing

@testable import EmbeddingCacheHTTP

/// `POST /v1/embeddings` and the other routes, through the router, in front of ``StubUpstream``.
struct EmbeddingsServerTests {
    /// A decoded answer: status, headers, vectors by index, usage and the error's fields.
    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var hits: Int?
        var misses: Int?
        var retryAfter: String?
        var serverTiming: String?
        var body: Data

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }

        var vectors: [[Float]] {
            let data = json["data"] as? [[String: Any]] ?? []
            return data.sorted { ($0["index"] as? Int ?? 0) < ($1["index"] as? Int ?? 0) }.map { entry in
                if let numbers = entry["embedding"] as? [Double] { return numbers.map { Float($0) } }
                let bytes = Data(base64Encoded: entry["embedding"] as? String ?? "") ?? Data()
                return bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            }
        }
        var promptTokens: Int? { (json["usage"] as? [String: Any])?["prompt_tokens"] as? Int }
        var error: [String: Any]? { json["error"] as? [String: Any] }
    }

    /// Runs `body` with a server in front of a stub upstream (one attempt per call, no waits).
    static func withServer(
        store: any EmbeddingStore = InMemoryEmbeddingStore(),
        maximumBodyBytes: Int = 1 << 20,
        tokens: BearerTokens? = nil,
        _ body: @Sendable (StubUpstream, any TestClientProtocol, any EmbeddingStore) async throws -> Void
    ) async throws {
        try await StubUpstream.with { stub, url in
            var upstreamConfiguration = OpenAIUpstream.Configuration(baseURL: url)
            upstreamConfiguration.maximumAttempts = 1
            var configuration = EmbeddingsServer.Configuration()
            configuration.maximumBodyBytes = maximumBodyBytes
            configuration.tokens = tokens
            let metrics = ServerMetrics(version: "test")
            let upstream = OpenAIUpstream(configuration: upstreamConfiguration, metrics: metrics.factory)
            let server = EmbeddingsServer(
                proxy: EmbeddingsProxy(store: store, upstream: upstream),
                configuration: configuration,
                metrics: metrics
            )
            try await Application(router: server.router()).test(.router) { client in try await body(stub, client, store)
            }
        }
    }

    static func post(_ client: any TestClientProtocol, _ json: String, headers: HTTPFields = [:]) async throws -> Reply
    {
        try await client.execute(
            uri: "/v1/embeddings",
            method: .post,
            headers: headers,
            body: ByteBuffer(string: json)
        ) { response in
            Reply(
                status: response.status,
                hits: response.headers[HTTPField.Name("X-Embcache-Hits")!].flatMap { Int($0) },
                misses: response.headers[HTTPField.Name("X-Embcache-Misses")!].flatMap { Int($0) },
                retryAfter: response.headers[.retryAfter],
                serverTiming: response.headers[values: HTTPField.Name("Server-Timing")!].joined(separator: ", "),
                body: Data(buffer: response.body)
            )
        }
    }

    static func texts(_ texts: [String], model: String = "m", extra: String = "") -> String {
        let input = texts.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"model":"\#(model)","input":[\#(input)]\#(extra)}"#
    }

    @Test func answersInOpenAIsSchemaAsFloatsAndAsBase64() async throws {
        try await Self.withServer { stub, client, _ in
            let float = try await Self.post(client, Self.texts(["one", "three"]))
            #expect(float.status == .ok)
            #expect(float.vectors == ["one", "three"].map { StubUpstream.vector(for: $0) })
            #expect(float.json["object"] as? String == "list")
            #expect(float.json["model"] as? String == "m")
            #expect(float.promptTokens == 8)
            #expect((float.hits, float.misses) == (0, 2))
            let base64 = try await Self.post(
                client,
                Self.texts(["one", "three"], extra: #","encoding_format":"base64""#)
            )
            #expect(base64.vectors == float.vectors)
            #expect((base64.hits, base64.misses) == (2, 0))
            #expect(base64.promptTokens == 8)
            #expect(stub.calls.count == 1)
        }
    }

    /// The `dur` of each `Server-Timing` entry, by name.
    static func timings(_ reply: Reply) -> [String: Double] {
        var timings = [String: Double]()
        for entry in (reply.serverTiming ?? "").split(separator: ",") {
            let parts = entry.trimmingCharacters(in: .whitespaces).split(separator: ";dur=")
            if parts.count == 2, let value = Double(parts[1]) { timings[String(parts[0])] = value }
        }
        return timings
    }

    @Test func tellsTheServersOwnTimeAndItsUpstreamsInServerTiming() async throws {
        try await Self.withServer { _, client, _ in
            let miss = Self.timings(try await Self.post(client, Self.texts(["timed"])))
            let app = try #require(miss["app"])
            let upstream = try #require(miss["upstream"])
            #expect(upstream > 0 && upstream <= app && app < 60_000, "\(miss)")
            let hit = Self.timings(try await Self.post(client, Self.texts(["timed"])))
            #expect(hit["upstream"] == 0, "a hit waits for no upstream: \(hit)")
            #expect(hit["app"] != nil)
        }
        #expect(ServerTiming.milliseconds(.microseconds(1_234_567)) == "1234.567")
        #expect(ServerTiming.milliseconds(.microseconds(5)) == "0.005")
    }

    @Test func sendsOnlyMissesUpstreamAndPlacesHitsAndMissesAtTheirIndices() async throws {
        try await Self.withServer { stub, client, _ in
            _ = try await Self.post(client, Self.texts(["b", "d"]))
            let orders = [["a", "b", "c", "d"], ["d", "e", "b", "f"], ["g", "a", "h", "h", "d"]]
            for order in orders {
                let reply = try await Self.post(client, Self.texts(order))
                #expect(reply.vectors == order.map { StubUpstream.vector(for: $0) })
            }
            #expect(stub.calls.map(\.inputs) == [["b", "d"], ["a", "c"], ["e", "f"], ["g", "h"]])
        }
    }

    @Test func encodesRepeatedItemsOnce() async throws {
        try await Self.withServer { stub, client, _ in
            let reply = try await Self.post(client, Self.texts(["x", "y", "x", "x"]))
            #expect(reply.vectors == ["x", "y", "x", "x"].map { StubUpstream.vector(for: $0) })
            #expect(stub.calls.map(\.inputs) == [["x", "y"]])
        }
    }

    @Test func keysOnEveryFieldButUserAndEncodingFormat() async throws {
        try await Self.withServer { stub, client, _ in
            _ = try await Self.post(client, Self.texts(["q"], extra: #","input_type":"query""#))
            let otherUser = try await Self.post(client, Self.texts(["q"], extra: #","input_type":"query","user":"u2""#))
            #expect(otherUser.hits == 1)
            let passage = try await Self.post(client, Self.texts(["q"], extra: #","input_type":"passage""#))
            #expect(passage.misses == 1)
            let otherModel = try await Self.post(
                client,
                Self.texts(["q"], model: "m2", extra: #","input_type":"query""#)
            )
            #expect(otherModel.misses == 1)
            #expect(stub.calls.count == 3)
        }
    }

    @Test func servesDimensionsAndTokenIDsInTheirOwnNamespaces() async throws {
        try await Self.withServer { stub, client, _ in
            let six = try await Self.post(client, Self.texts(["abc"], extra: #","dimensions":6"#))
            #expect(six.vectors == [StubUpstream.vector(for: "abc", dimensions: 6)])
            let tokens = try await Self.post(client, #"{"model":"m","input":[[1,2],[3]]}"#)
            #expect(tokens.vectors == [StubUpstream.vector(for: "[1,2]"), StubUpstream.vector(for: "[3]")])
            let single = try await Self.post(client, #"{"model":"m","input":[1,2]}"#)
            #expect((single.hits, single.misses) == (1, 0))
            #expect(
                stub.calls.last?.fields["input"]
                    == .array([.array([.integer(1), .integer(2)]), .array([.integer(3)])])
            )
        }
    }

    @Test func storesNothingWhenTheUpstreamFailsOrAnswersWrongly() async throws {
        try await Self.withServer { stub, client, store in
            stub.answerNext(.wrongDimensions, .wrongCount, .nonFinite, .status(500, retryAfter: nil))
            for _ in 0..<4 {
                let reply = try await Self.post(client, Self.texts(["a", "b"], extra: #","dimensions":4"#))
                #expect(reply.status == .badGateway)
                #expect(reply.error?["type"] as? String == "server_error")
            }
            #expect(await (try store.statistics()).totalEntries == 0)
            let after = try await Self.post(client, Self.texts(["a", "b"], extra: #","dimensions":4"#))
            #expect((after.status, after.misses) == (.ok, 2))
        }
    }

    @Test func passesRateLimitsOnWithRetryAfterAndTheUpstreamsError() async throws {
        try await Self.withServer { stub, client, _ in
            stub.answerNext(.status(429, retryAfter: "7"))
            let reply = try await Self.post(client, Self.texts(["a"]))
            #expect(reply.status == .tooManyRequests)
            #expect(reply.retryAfter == "7")
            #expect(reply.error?["message"] as? String == "stub says 429")
        }
    }

    @Test func answersAnUnreachableUpstreamWithA502() async throws {
        let upstream = OpenAIUpstream(
            configuration: {
                var configuration = OpenAIUpstream.Configuration(baseURL: "http://127.0.0.1:9/v1")
                configuration.maximumAttempts = 1
                return configuration
            }()
        )
        let store = InMemoryEmbeddingStore()
        let server = EmbeddingsServer(proxy: EmbeddingsProxy(store: store, upstream: upstream))
        try await Application(router: server.router()).test(.router) { client in
            let reply = try await Self.post(client, Self.texts(["a"]))
            #expect(reply.status == .badGateway)
            #expect((reply.error?["message"] as? String)?.contains("127.0.0.1:9") == true)
            #expect(await store.statistics().totalEntries == 0)
        }
    }

    @Test(arguments: [
        "not json", "[]", #"{"input":"a"}"#, #"{"model":"m"}"#, #"{"model":"m","input":""}"#,
        #"{"model":"m","input":[]}"#, #"{"model":"m","input":["a",""]}"#, #"{"model":"m","input":["a",1]}"#,
        #"{"model":"m","input":[-1]}"#, #"{"model":"m","input":[[]]}"#, #"{"model":"m","input":{"a":1}}"#,
        #"{"model":"m","input":"a","encoding_format":"int8"}"#, #"{"model":"m","input":"a","dimensions":0}"#,
        #"{"model":"m","input":"a","dimensions":"8"}"#, #"{"model":"m","input":"a","user":7}"#,
    ])
    func rejectsAMalformedRequestWithA400InOpenAIsShape(_ body: String) async throws {
        try await Self.withServer { stub, client, _ in
            let reply = try await Self.post(client, body)
            #expect(reply.status == .badRequest)
            #expect(reply.error?["type"] as? String == "invalid_request_error")
            #expect(reply.error?.keys.sorted() == ["code", "message", "param", "type"])
            #expect(stub.calls.isEmpty)
        }
    }

    @Test func limitsItemsTo2048AndBodiesToTheConfiguredSize() async throws {
        try await Self.withServer(maximumBodyBytes: 64 << 10) { stub, client, _ in
            let many = try await Self.post(client, Self.texts((0..<2049).map { "\($0)" }))
            #expect(many.status == .badRequest)
            #expect((many.error?["message"] as? String)?.contains("2048") == true)
            let large = try await Self.post(client, Self.texts([String(repeating: "a", count: 70 << 10)]))
            #expect(large.status == .contentTooLarge)
            #expect(large.error != nil)
            #expect(stub.calls.isEmpty)
        }
    }

    @Test func honoursCacheControlNoStore() async throws {
        try await Self.withServer { stub, client, store in
            let reply = try await Self.post(client, Self.texts(["a"]), headers: [.cacheControl: "no-store"])
            #expect(reply.vectors == [StubUpstream.vector(for: "a")])
            #expect(await (try store.statistics()).totalEntries == 0)
        }
    }

    @Test func sharesOneUpstreamCallAmongConcurrentRequestsForTheSameItems() async throws {
        try await Self.withServer { stub, client, _ in
            stub.answerNext(.slow(.milliseconds(300)))
            try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<4 { group.addTask { try await Self.post(client, Self.texts(["p", "q"])) } }
                for try await reply in group {
                    #expect(reply.vectors == ["p", "q"].map { StubUpstream.vector(for: $0) })
                }
            }
            #expect(stub.calls.flatMap(\.inputs).sorted() == ["p", "q"])
        }
    }

    @Test func addsTheUpstreamsStatedIdentityToTheModelIdentity() async throws {
        try await Self.withServer { stub, client, store in
            stub.state(sha: "0123abc")
            _ = try await Self.post(client, Self.texts(["a"]))
            #expect(try await store.statistics().namespaces.map(\.namespace.model) == ["m @ 0123abc"])
        }
    }

    @Test func servesPrometheusMetrics() async throws {
        try await Self.withServer { _, client, _ in
            _ = try await Self.post(client, Self.texts(["a", "b"]))
            _ = try await Self.post(client, Self.texts(["a", "c"]))
            let text = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            let lines = Set(text.split(separator: "\n").map(String.init))
            let expected = [
                #"embcache_items_total{result="hit"} 1"#, #"embcache_items_total{result="miss"} 3"#,
                #"embcache_upstream_calls_total{status="200"} 2"#, #"embcache_build_info{version="test"} 1.0"#,
                #"embcache_requests_total{route="/v1/embeddings",status="200"} 2"#, "embcache_store_entries 3.0",
                "embcache_upstream_tokens_saved_total 1",
            ]
            for line in expected { #expect(lines.contains(line), "\(line)") }
            #expect(text.contains("embcache_request_duration_seconds_bucket"))
            #expect(text.contains("embcache_upstream_duration_seconds_bucket"))
        }
    }

    @Test func passesModelsOnAndAnswersHealthAndReadiness() async throws {
        try await Self.withServer { _, client, _ in
            try await client.execute(uri: "/v1/models", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""id":"stub""#))
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v2/nothing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains(#""error""#))
            }
        }
    }
}
