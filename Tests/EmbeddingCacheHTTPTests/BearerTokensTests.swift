import EmbeddingCache
import EmbeddingCacheHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Bearer tokens: the file, the scopes, and what each scope may do on the routes.
struct BearerTokensTests {
    static let tokens = BearerTokens([(.read, "reader-token"), (.write, "writer-token")])

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    @Test func readsScopesFromAFileSkippingCommentsAndBlankLines() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString)").path
        try "# scopes\nread  r1\n\nwrite w1\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tokens = try BearerTokens(contentsOfFile: path)
        #expect(tokens.scope(ofAuthorization: "Bearer r1") == .read)
        #expect(tokens.scope(ofAuthorization: "bearer w1") == .write)
        #expect(tokens.scope(ofAuthorization: "Bearer w2") == nil)
        #expect(tokens.scope(ofAuthorization: "Basic w1") == nil)
        #expect(tokens.scope(ofAuthorization: nil) == nil)
    }

    @Test func namesTheLineOfAMalformedEntryButNotItsToken() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString)").path
        try "read r1\nadmin secret-value\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: EmbeddingCacheError.self) { try BearerTokens(contentsOfFile: path) }
        #expect(error?.message.contains("line 2") == true)
        #expect(error?.message.contains("secret-value") == false)
    }

    @Test func listeningBeyondLoopbackNeedsTokens() throws {
        var configuration = EmbeddingsServer.Configuration()
        try configuration.listen(on: "0.0.0.0:8080")
        #expect(throws: EmbeddingCacheError.self) { try configuration.validate() }
        configuration.tokens = Self.tokens
        try configuration.validate()
        try configuration.listen(on: "127.0.0.2:0")
        configuration.tokens = nil
        try configuration.validate()
    }

    @Test func refusesRequestsWithoutAValidToken() async throws {
        try await EmbeddingsServerTests.withServer(tokens: Self.tokens) { stub, client, _ in
            let missing = try await EmbeddingsServerTests.post(client, EmbeddingsServerTests.texts(["a"]))
            #expect(missing.status == .unauthorized)
            #expect(missing.error?["code"] as? String == "invalid_api_key")
            let wrong = try await EmbeddingsServerTests.post(
                client,
                EmbeddingsServerTests.texts(["a"]),
                headers: Self.bearer("writer-token-2")
            )
            #expect(wrong.status == .unauthorized)
            try await client.execute(uri: "/v1/models", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            #expect(stub.calls.isEmpty)
        }
    }

    @Test func aReadTokenIsAnsweredFromTheCacheOnly() async throws {
        try await EmbeddingsServerTests.withServer(tokens: Self.tokens) { stub, client, store in
            let body = EmbeddingsServerTests.texts(["a", "b"])
            let refused = try await EmbeddingsServerTests.post(client, body, headers: Self.bearer("reader-token"))
            #expect(refused.status == .forbidden)
            #expect(stub.calls.isEmpty)
            #expect(try await store.statistics().totalEntries == 0)
            let written = try await EmbeddingsServerTests.post(client, body, headers: Self.bearer("writer-token"))
            #expect((written.status, written.misses) == (.ok, 2))
            let read = try await EmbeddingsServerTests.post(client, body, headers: Self.bearer("reader-token"))
            #expect((read.status, read.hits) == (.ok, 2))
            #expect(read.vectors == written.vectors)
            #expect(stub.calls.count == 1)
        }
    }
}
