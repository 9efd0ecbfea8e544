import EmbeddingCacheUpstream
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Synchronization

/// An OpenAI-compatible embeddings endpoint on a loopback port, for tests: its vectors are a
/// known function of each input, it answers entries in reverse order (so callers must place them
/// by `index`), records every call, and can be told to fail the next calls in given ways.
final class StubUpstream: Sendable {
    /// How the stub answers one call.
    enum Answer: Sendable {
        /// A status with an OpenAI-shaped error and an optional `Retry-After`.
        case status(Int, retryAfter: String?)
        /// One embedding fewer than asked for.
        case wrongCount
        /// Vectors one longer than they should be.
        case wrongDimensions
        /// A value beyond float32's range.
        case nonFinite
        /// The right answer after a pause.
        case slow(Duration)
    }

    /// One call as the stub received it.
    struct Call: Sendable {
        var fields: [String: JSONValue]
        var authorization: String?
        /// The inputs: texts, or token-id lists written as `[1,2,3]`.
        var inputs: [String]
    }

    private let state = Mutex((calls: [Call](), answers: [Answer](), inFlight: 0, mostInFlight: 0))
    private let statedSHA = Mutex<String?>(nil)

    /// Makes `GET /info` state this weights digest, as Hugging Face TEI does; 404 until then.
    func state(sha: String) {
        statedSHA.withLock { $0 = sha }
    }

    /// The calls so far.
    var calls: [Call] { state.withLock { $0.calls } }
    /// The most calls that were in progress at once.
    var mostInFlight: Int { state.withLock { $0.mostInFlight } }

    /// Makes the next calls answer as given, in order; later calls answer normally.
    func answerNext(_ answers: Answer...) {
        state.withLock { $0.answers.append(contentsOf: answers) }
    }

    /// The vector the stub returns for an input: length, byte sum, first byte, then 1s up to the
    /// dimension (4 unless `dimensions` asks for another).
    static func vector(for input: String, dimensions: Int = 4) -> [Float] {
        let bytes = Array(input.utf8)
        let head: [Float] = [Float(bytes.count), Float(bytes.reduce(0) { $0 + Int($1) }), Float(bytes.first ?? 0)]
        return Array((head + [Float](repeating: 1, count: max(0, dimensions - 3))).prefix(dimensions))
    }

    /// Runs `body` with the stub listening; `body` gets the base URL (`http://127.0.0.1:PORT/v1`).
    static func with<R: Sendable>(_ body: @Sendable (StubUpstream, String) async throws -> R) async throws -> R {
        let stub = StubUpstream()
        let app = Application(router: stub.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body(stub, "http://127.0.0.1:\(client.port ?? 0)/v1")
        }
    }

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/v1/models") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(
                    byteBuffer: ByteBuffer(string: #"{"object":"list","data":[{"id":"stub","object":"model"}]}"#)
                )
            )
        }
        router.get("/info") { _, _ in
            guard let sha = self.statedSHA.withLock({ $0 }) else { return Response(status: .notFound) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"model_sha":"\#(sha)"}"#)))
        }
        router.post("/v1/embeddings") { request, _ in
            let body = try await request.body.collect(upTo: 64 << 20)
            return try await self.answer(body, authorization: request.headers[.authorization])
        }
        return router
    }

    private func answer(_ body: ByteBuffer, authorization: String?) async throws -> Response {
        guard case .object(let fields) = try JSONDecoder().decode(JSONValue.self, from: body),
            case .array(let input)? = fields["input"]
        else { return Response(status: .badRequest) }
        let inputs = input.map { element -> String in
            if case .string(let text) = element { return text }
            return element.canonicalText
        }
        let answer = state.withLock { state -> Answer? in
            state.calls.append(Call(fields: fields, authorization: authorization, inputs: inputs))
            state.inFlight += 1
            state.mostInFlight = max(state.mostInFlight, state.inFlight)
            return state.answers.isEmpty ? nil : state.answers.removeFirst()
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        let dimensions = fields["dimensions"]?.integerValue.map { Int($0) } ?? 4
        var vectors = inputs.map { Self.vector(for: $0, dimensions: dimensions) }
        switch answer {
        case .status(let code, let retryAfter)?:
            var headers: HTTPFields = [.contentType: "application/json"]
            if let retryAfter { headers[.retryAfter] = retryAfter }
            let error = #"{"error":{"message":"stub says \#(code)","type":"stub_error","param":"input","code":"stub"}}"#
            return Response(
                status: .init(code: code),
                headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: error))
            )
        case .wrongCount?: vectors.removeLast()
        case .wrongDimensions?: vectors = vectors.map { $0 + [1] }
        case .nonFinite?: vectors[0][0] = .infinity
        case .slow(let pause)?: try await Task.sleep(for: pause)
        case nil: break
        }
        let entries = vectors.enumerated().reversed().map { index, vector in
            let numbers = vector.map { $0.isFinite ? "\($0)" : "1e39" }.joined(separator: ",")
            return #"{"object":"embedding","index":\#(index),"embedding":[\#(numbers)]}"#
        }
        let tokens = inputs.reduce(0) { $0 + $1.utf8.count }
        let text =
            #"{"object":"list","data":[\#(entries.joined(separator: ","))],"model":"stub","usage":{"prompt_tokens":\#(tokens),"total_tokens":\#(tokens)}}"#
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
