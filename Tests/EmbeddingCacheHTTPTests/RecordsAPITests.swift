import EmbeddingCache
import EmbeddingCacheHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing

/// `POST /v1/records/get` and `POST /v1/records/put`, against the server listening on a loopback port.
struct RecordsAPITests {
    static let namespace = Namespace(model: "vae@1", preprocessing: "crop512")
    static let namespaceJSON = #"{"model":"vae@1","preprocessing":"crop512","storage":"lossless"}"#

    /// A decoded answer.
    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var hits: Int?
        var misses: Int?
        var body: Data

        var error: [String: Any]? {
            ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["error"] as? [String: Any]
        }
        var message: String { error?["message"] as? String ?? "" }
        var code: String? { error?["code"] as? String }
    }

    /// Runs `body` with a server of records only (no upstream) listening on a free loopback port.
    static func withServer(
        store: any EmbeddingStore = InMemoryEmbeddingStore(),
        tokens: BearerTokens? = nil,
        maximumBodyBytes: Int = 1 << 20,
        maximumRecordsResponseBytes: Int = 1 << 30,
        _ body: @Sendable (any TestClientProtocol, any EmbeddingStore) async throws -> Void
    ) async throws {
        var configuration = EmbeddingsServer.Configuration()
        configuration.port = 0
        configuration.tokens = tokens
        configuration.maximumBodyBytes = maximumBodyBytes
        configuration.maximumRecordsResponseBytes = maximumRecordsResponseBytes
        let server = EmbeddingsServer(store: store, configuration: configuration)
        try await server.application().test(.live) { client in try await body(client, store) }
    }

    static func post(
        _ client: any TestClientProtocol,
        _ route: String,
        _ body: Data,
        headers: HTTPFields = [:]
    ) async throws -> Reply {
        try await client.execute(uri: route, method: .post, headers: headers, body: ByteBuffer(data: body)) {
            Reply(
                status: $0.status,
                hits: $0.headers[HTTPField.Name("X-Embcache-Hits")!].flatMap { Int($0) },
                misses: $0.headers[HTTPField.Name("X-Embcache-Misses")!].flatMap { Int($0) },
                body: Data(buffer: $0.body)
            )
        }
    }

    static func get(
        _ client: any TestClientProtocol,
        _ digests: [ContentDigest],
        namespace: String = namespaceJSON,
        headers: HTTPFields = [:]
    ) async throws -> Reply {
        let list = digests.map { "\"\($0.hex)\"" }.joined(separator: ",")
        return try await post(
            client,
            "/v1/records/get",
            Data(#"{"namespace":\#(namespace),"digests":[\#(list)]}"#.utf8),
            headers: headers
        )
    }

    /// A put body: the records as safetensors, the namespace in the metadata.
    static func putBody(
        _ records: [(digest: ContentDigest, record: TensorRecord)],
        namespace: String = namespaceJSON
    ) -> Data {
        let (header, tensors) = RecordsBody.encoded(records, metadata: [RecordsBody.namespaceKey: namespace])
        return tensors.reduce(header, +)
    }

    static func tensor(_ dtype: DType, _ shape: [Int], seed: UInt8) -> Tensor {
        let count = shape.reduce(dtype.byteWidth, *)
        // Bytes that are finite in every float dtype and 0 or 1 for bool.
        let bytes = (0..<count).map {
            dtype == .bool ? UInt8($0 % 2) : UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed)) & 0x3F
        }
        // Safe: the byte count matches the shape by construction.
        return try! Tensor(dtype: dtype, shape: shape, data: Data(bytes))
    }

    static let sample = try! TensorRecord([
        ("latents", tensor(.float16, [4, 8, 8], seed: 1)),
        ("prompt_embeds", tensor(.bfloat16, [7, 16], seed: 2)),
        ("prompt_embeds_mask", tensor(.bool, [7], seed: 3)),
        ("ids", tensor(.int64, [3], seed: 4)),
        ("pooled", tensor(.float32, [16], seed: 5)),
    ])
    static let other = TensorRecord(single: Tensor(float32: [1, 2, 3]))
    static let first = ContentDigest(of: Data("first".utf8))
    static let second = ContentDigest(of: Data("second".utf8))
    static let absent = ContentDigest(of: Data("absent".utf8))

    @Test func putsAndGetsRecordsOfEveryDTypeInOrderWithTheMissesListed() async throws {
        try await Self.withServer { client, store in
            let put = try await Self.post(
                client,
                "/v1/records/put",
                Self.putBody([(Self.first, Self.sample), (Self.second, Self.other)])
            )
            #expect(put.status == .ok)
            #expect(String(decoding: put.body, as: UTF8.self) == #"{"stored":2}"#)

            let reply = try await Self.get(client, [Self.second, Self.absent, Self.first, Self.second])
            #expect(reply.status == .ok)
            #expect((reply.hits, reply.misses) == (2, 1))
            let (metadata, records) = try RecordsBody.decoded(reply.body)
            #expect(metadata[RecordsBody.missingKey] == "[\"\(Self.absent.hex)\"]")
            #expect(records.map(\.digest) == [Self.second, Self.first])
            #expect(records.map(\.record) == [Self.other, Self.sample])
            #expect(records[1].record.names == ["latents", "prompt_embeds", "prompt_embeds_mask", "ids", "pooled"])
            // What the cache's own verified read finds is what was put.
            let stored = try await store.verifiedRecords(for: [Self.first], in: Self.namespace)
            guard case .found(let record) = stored[0] else { throw EmbeddingCacheError(.storeFailed, "not stored") }
            #expect(record == Self.sample)
        }
    }

    @Test func aServerWithoutAnUpstreamSaysSoForEmbeddingsAndModels() async throws {
        try await Self.withServer { client, _ in
            let embeddings = try await Self.post(client, "/v1/embeddings", Data(#"{"model":"m","input":"x"}"#.utf8))
            #expect(embeddings.status == .notFound && embeddings.code == "no_upstream")
            #expect(embeddings.message.contains("--upstream"))
            let models = try await client.execute(uri: "/v1/models", method: .get) { $0.status }
            #expect(models == .notFound)
            let ready = try await client.execute(uri: "/readyz", method: .get) { $0.status }
            #expect(ready == .ok)
        }
    }

    @Test func servesAnEightMegabyteRecordWhole() async throws {
        try await Self.withServer(maximumBodyBytes: 16 << 20) { client, _ in
            let large = TensorRecord(single: Self.tensor(.float16, [1024, 4096], seed: 9), name: "latents")
            let put = try await Self.post(client, "/v1/records/put", Self.putBody([(Self.first, large)]))
            #expect(put.status == .ok)
            let reply = try await Self.get(client, [Self.first])
            let (_, records) = try RecordsBody.decoded(reply.body)
            #expect(records.first?.record == large)
        }
    }

    @Test func aRecordFailingItsChecksumIsAMiss() async throws {
        try await Self.withServer { client, store in
            var sealed = RecordChecksum(namespace: Self.namespace).seal(Self.other, digest: Self.first)
            sealed.checksum ^= 1
            try await store.put([StoreEntry(digest: Self.first, record: sealed)], in: Self.namespace)
            let reply = try await Self.get(client, [Self.first])
            #expect((reply.status, reply.hits, reply.misses) == (.ok, 0, 1))
            let (metadata, records) = try RecordsBody.decoded(reply.body)
            #expect(records.isEmpty)
            #expect(metadata[RecordsBody.missingKey] == "[\"\(Self.first.hex)\"]")
        }
    }

    @Test func storesAsTheNamespacesPolicySaysAndRefusesNonFiniteValues() async throws {
        try await Self.withServer { client, store in
            let half = #"{"model":"vae@1","preprocessing":"crop512","storage":"float16"}"#
            let put = try await Self.post(
                client,
                "/v1/records/put",
                Self.putBody([(Self.first, Self.other)], namespace: half)
            )
            #expect(put.status == .ok)
            let reply = try await Self.get(client, [Self.first], namespace: half)
            let (_, records) = try RecordsBody.decoded(reply.body)
            #expect(records.first?.record["embedding"]?.dtype == .float16)
            #expect(records.first?.record["embedding"]?.floatValues() == [1, 2, 3])

            let nan = TensorRecord(single: Tensor(float32: [1, .nan]))
            let refused = try await Self.post(
                client,
                "/v1/records/put",
                Self.putBody([(Self.second, Self.other), (Self.absent, nan)])
            )
            #expect(refused.status == .badRequest)
            #expect(refused.code == "invalid_record")
            #expect(refused.message.contains(Self.absent.hex) && refused.message.contains("NaN"))
            #expect(try await store.statistics().totalEntries == 1)
        }
    }

    @Test func aReadTokenGetsAndOnlyAWriteTokenPuts() async throws {
        let tokens = BearerTokens([(.read, "reader-token"), (.write, "writer-token")])
        try await Self.withServer(tokens: tokens) { client, store in
            let body = Self.putBody([(Self.first, Self.other)])
            let anonymous = try await Self.post(client, "/v1/records/put", body)
            #expect((anonymous.status, anonymous.code) == (.unauthorized, "invalid_api_key"))
            let reader = try await Self.post(
                client,
                "/v1/records/put",
                body,
                headers: [.authorization: "Bearer reader-token"]
            )
            #expect((reader.status, reader.code) == (.forbidden, "read_only_token"))
            #expect(try await store.statistics().totalEntries == 0)
            let writer = try await Self.post(
                client,
                "/v1/records/put",
                body,
                headers: [.authorization: "Bearer writer-token"]
            )
            #expect(writer.status == .ok)
            #expect(try await Self.get(client, [Self.first]).status == .unauthorized)
            let read = try await Self.get(client, [Self.first], headers: [.authorization: "Bearer reader-token"])
            #expect((read.status, read.hits) == (.ok, 1))
        }
    }

    @Test func refusesAnAnswerLargerThanTheLimit() async throws {
        try await Self.withServer(maximumRecordsResponseBytes: 100) { client, _ in
            #expect(
                try await Self.post(client, "/v1/records/put", Self.putBody([(Self.first, Self.sample)])).status == .ok
            )
            let reply = try await Self.get(client, [Self.first])
            #expect((reply.status, reply.code) == (.badRequest, "response_too_large"))
        }
    }

    /// A safetensors body with a hand-written header, then `data`.
    static func raw(_ header: String, data: Int = 12, length: UInt64? = nil) -> Data {
        var bytes = Data()
        withUnsafeBytes(of: (length ?? UInt64(header.utf8.count)).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes + Data(header.utf8) + Data(count: data)
    }

    static let hex = first.hex
    static let metadata = #""__metadata__":{"namespace":"{\"model\":\"m\",\"preprocessing\":\"p\"}"}"#

    @Test(arguments: [
        (raw("{}", length: 1 << 60), "header length exceeds"),
        (Data([1, 2, 3]), "shorter than 8 bytes"),
        (raw("{not json"), "not a safetensors JSON header"),
        (raw(#"{\#(metadata),"\#(hex)/x":{"dtype":"F8_E4M3","shape":[3],"data_offsets":[0,3]}}"#), "dtype 'F8_E4M3'"),
        (
            raw(
                #"{\#(metadata),"\#(hex)/x":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,12]}}"#
            ), "cannot hold"
        ),
        (raw(#"{\#(metadata),"\#(hex)/x":{"dtype":"F32","shape":[3],"data_offsets":[0,4096]}}"#), "out of range"),
        (raw(#"{\#(metadata),"\#(hex)/x":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}}"#), "cannot hold"),
        (raw(#"{\#(metadata),"abc/x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}"#), "is not named"),
        (raw(#"{\#(metadata),"\#(hex)/":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}"#), "is not named"),
        (raw(#"{"\#(hex)/x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}"#), "'namespace'"),
        (
            raw(
                #"{"__metadata__":{"namespace":"\"m | p | lossless\""},"\#(hex)/x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}"#
            ), "three parts"
        ),
        (
            raw(
                #"{"__metadata__":{"namespace":"{\"model\":\"m\",\"preprocessing\":\"p\",\"storage\":\"int4\"}"},"\#(hex)/x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}"#
            ), "storage"
        ),
    ])
    func refusesAHostilePutBodyWithA400NamingTheProblem(_ body: Data, _ problem: String) async throws {
        try await Self.withServer { client, store in
            let reply = try await Self.post(client, "/v1/records/put", body)
            #expect(reply.status == .badRequest)
            #expect(reply.message.contains(problem), "\(reply.message)")
            #expect(try await store.statistics().totalEntries == 0)
        }
    }

    @Test(arguments: [
        (#"{"namespace":"vae@1 | crop512 | lossless","digests":[]}"#, "three parts"),
        (#"{"namespace":{"model":"m"},"digests":[]}"#, "three parts"),
        (#"{"namespace":{"model":"m","preprocessing":"p"},"digests":["abc"]}"#, "digests[0]"),
        (#"{"namespace":{"model":"m","preprocessing":"p"}}"#, "'digests'"),
        (#"{"namespace":{"model":"m","preprocessing":"p"},"digests":[],"x":1}"#, "unknown property 'x'"),
        ("[1,2]", "JSON object"),
    ])
    func refusesAMalformedGetWithA400NamingTheProblem(_ body: String, _ problem: String) async throws {
        try await Self.withServer { client, _ in
            let reply = try await Self.post(client, "/v1/records/get", Data(body.utf8))
            #expect(reply.status == .badRequest)
            #expect(reply.message.contains(problem), "\(reply.message)")
        }
    }

    @Test func limitsDigestsPerRequestAndBodySizes() async throws {
        try await Self.withServer(maximumBodyBytes: 1 << 20) { client, _ in
            let many = (0...RecordsRequest.maximumDigests).map { ContentDigest(of: Data("\($0)".utf8)) }
            let reply = try await Self.get(client, many)
            #expect(reply.status == .badRequest)
            #expect(reply.message.contains("at most \(RecordsRequest.maximumDigests)"))
            let huge = TensorRecord(single: Self.tensor(.uint8, [2 << 20], seed: 0))
            let put = try await Self.post(client, "/v1/records/put", Self.putBody([(Self.first, huge)]))
            #expect((put.status, put.code) == (.contentTooLarge, "request_too_large"))
        }
    }

    @Test func randomlyDamagedPutBodiesNeverCauseA5xx() async throws {
        let valid = Array(Self.putBody([(Self.first, Self.sample), (Self.second, Self.other)]))
        try await Self.withServer { client, _ in
            var random = SplitMix64(seed: 17)
            var statuses = [Int: Int]()
            for round in 0..<300 {
                var bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
                    let position = Int.random(in: 0..<min(bytes.count, 600), using: &random)
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: bytes[position] = UInt8.random(in: 0...255, using: &random)
                    case 1: bytes.remove(at: position)
                    default: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
                    }
                }
                let reply = try await Self.post(client, "/v1/records/put", Data(bytes))
                statuses[reply.status.code, default: 0] += 1
                #expect(reply.status.code < 500, "round \(round): \(reply.message)")
                if reply.status != .ok { #expect(!reply.message.isEmpty, "round \(round)") }
            }
            #expect(statuses[400, default: 0] > 0)
        }
    }
}
