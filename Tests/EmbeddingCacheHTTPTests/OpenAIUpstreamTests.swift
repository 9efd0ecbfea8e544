import EmbeddingCache
import EmbeddingCacheUpstream
import Testing

/// The upstream client against a real HTTP endpoint on loopback (``StubUpstream``).
struct OpenAIUpstreamTests {
    static func upstream(
        _ baseURL: String,
        _ adjust: (inout OpenAIUpstream.Configuration) -> Void = { _ in }
    ) -> OpenAIUpstream {
        var configuration = OpenAIUpstream.Configuration(baseURL: baseURL, apiKey: "sk-test")
        configuration.initialBackoff = .milliseconds(1)
        adjust(&configuration)
        return OpenAIUpstream(configuration: configuration)
    }

    @Test func placesEachEmbeddingByItsIndexAndSpreadsTheTokens() async throws {
        try await StubUpstream.with { stub, url in
            let texts = ["alpha", "be", "gamma ray"]
            let items = try await Self.upstream(url).embeddings(.texts(texts), parameters: .init(model: "m"))
            #expect(items.map(\.embedding) == texts.map { StubUpstream.vector(for: $0) })
            // The stub counts one token per byte: 16 over three inputs.
            #expect(items.map(\.tokens) == [6, 5, 5])
        }
    }

    @Test func sendsTheFieldsAndTheKeyButNeitherUserNorTheCallersFormat() async throws {
        try await StubUpstream.with { stub, url in
            let parameters = EmbeddingsParameters(
                model: "m",
                fields: ["dimensions": .integer(6), "input_type": .string("passage"), "user": .string("u")]
            )
            let items = try await Self.upstream(url).embeddings(.tokens([[1, 2], [70000]]), parameters: parameters)
            #expect(items.map(\.embedding.count) == [6, 6])
            let call = try #require(stub.calls.first)
            #expect(call.authorization == "Bearer sk-test")
            #expect(call.fields["model"] == .string("m"))
            #expect(call.fields["dimensions"] == .integer(6))
            #expect(call.fields["input_type"] == .string("passage"))
            #expect(call.fields["encoding_format"] == .string("float"))
            #expect(call.fields["user"] == nil)
            #expect(call.inputs == ["[1,2]", "[70000]"])
        }
    }

    @Test func splitsBatchesAtTheLimitAndKeepsCallsWithinTheConcurrencyLimit() async throws {
        try await StubUpstream.with { stub, url in
            let upstream = Self.upstream(url) {
                $0.maximumBatchSize = 3
                $0.maximumConcurrentCalls = 2
            }
            stub.answerNext(.slow(.milliseconds(50)), .slow(.milliseconds(50)), .slow(.milliseconds(50)))
            let texts = (0..<10).map { "text \($0)" }
            let items = try await upstream.embeddings(.texts(texts), parameters: .init(model: "m"))
            #expect(items.map(\.embedding) == texts.map { StubUpstream.vector(for: $0) })
            #expect(stub.calls.map(\.inputs.count).sorted() == [1, 3, 3, 3])
            #expect(stub.mostInFlight <= 2)
        }
    }

    @Test func retriesA429HonouringRetryAfterAndA503() async throws {
        try await StubUpstream.with { stub, url in
            stub.answerNext(.status(429, retryAfter: "0"), .status(503, retryAfter: nil))
            let items = try await Self.upstream(url).embeddings(.texts(["a"]), parameters: .init(model: "m"))
            #expect(items.count == 1)
            #expect(stub.calls.count == 3)
        }
    }

    @Test func givesUpWhenRetryAfterIsLongerThanTheLongestWait() async throws {
        try await StubUpstream.with { stub, url in
            stub.answerNext(.status(429, retryAfter: "3600"))
            let error = await #expect(throws: EmbeddingCacheError.self) {
                try await Self.upstream(url).embeddings(.texts(["a"]), parameters: .init(model: "m"))
            }
            let failure = try #require(error?.underlying as? UpstreamFailure)
            #expect(failure.status == 429)
            #expect(failure.retryAfter == "3600")
            #expect(stub.calls.count == 1)
        }
    }

    @Test func doesNotRetryA400AndKeepsTheUpstreamsErrorFields() async throws {
        try await StubUpstream.with { stub, url in
            stub.answerNext(.status(400, retryAfter: nil))
            let error = await #expect(throws: EmbeddingCacheError.self) {
                try await Self.upstream(url).embeddings(.texts(["a"]), parameters: .init(model: "m"))
            }
            #expect(error?.code == .encoderFailed)
            let failure = try #require(error?.underlying as? UpstreamFailure)
            #expect(
                failure
                    == UpstreamFailure(
                        status: 400,
                        message: "stub says 400",
                        type: "stub_error",
                        param: "input",
                        code: "stub"
                    )
            )
            #expect(stub.calls.count == 1)
        }
    }

    @Test(arguments: [StubUpstream.Answer.wrongCount, .wrongDimensions, .nonFinite])
    func rejectsAMalformedAnswer(_ answer: StubUpstream.Answer) async throws {
        try await StubUpstream.with { stub, url in
            stub.answerNext(answer)
            let error = await #expect(throws: EmbeddingCacheError.self) {
                try await Self.upstream(url).embeddings(
                    .texts(["a", "b"]),
                    parameters: .init(model: "m", fields: ["dimensions": .integer(4)])
                )
            }
            #expect(error?.code == .invalidEncoderOutput)
        }
    }

    @Test func reportsAnUpstreamThatDoesNotAnswerInTime() async throws {
        try await StubUpstream.with { stub, url in
            stub.answerNext(.slow(.seconds(1)))
            let upstream = Self.upstream(url) {
                $0.timeout = .milliseconds(200)
                $0.maximumAttempts = 1
            }
            let error = await #expect(throws: EmbeddingCacheError.self) {
                try await upstream.embeddings(.texts(["a"]), parameters: .init(model: "m"))
            }
            #expect((error?.underlying as? UpstreamFailure)?.status == nil)
            #expect(error?.message.contains("did not answer") == true)
        }
    }

    @Test func reportsAnUpstreamThatIsNotThere() async throws {
        let upstream = Self.upstream("http://127.0.0.1:9/v1") { $0.maximumAttempts = 2 }
        let error = await #expect(throws: EmbeddingCacheError.self) {
            try await upstream.embeddings(.texts(["a"]), parameters: .init(model: "m"))
        }
        #expect(error?.code == .encoderFailed)
        #expect(error?.message.contains("after 2 attempts") == true)
    }

    @Test func readsTheKeyFromTheFirstVariableSet() {
        #expect(
            OpenAIUpstream.Configuration.apiKey(from: ["EMBCACHE_UPSTREAM_API_KEY": "a", "OPENAI_API_KEY": "b"]) == "a"
        )
        #expect(
            OpenAIUpstream.Configuration.apiKey(from: ["EMBCACHE_UPSTREAM_API_KEY": "", "OPENAI_API_KEY": "b"]) == "b"
        )
        #expect(OpenAIUpstream.Configuration.apiKey(from: [:]) == nil)
    }
}
