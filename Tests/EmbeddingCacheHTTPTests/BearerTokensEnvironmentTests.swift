import EmbeddingCache
import EmbeddingCacheHTTP
import Foundation
import Testing

/// Tokens from `EMBCACHE_TOKENS`, beside or instead of a tokens file.
struct BearerTokensEnvironmentTests {
    @Test func readsEntriesSeparatedByCommasOrNewlines() throws {
        let environment = ["EMBCACHE_TOKENS": "read r1, write w1\nread r2,,"]
        let tokens = try #require(try BearerTokens.configured(file: nil, environment: environment))
        #expect(tokens.scope(ofAuthorization: "Bearer r1") == .read)
        #expect(tokens.scope(ofAuthorization: "Bearer w1") == .write)
        #expect(tokens.scope(ofAuthorization: "Bearer r2") == .read)
        #expect(tokens.scope(ofAuthorization: "Bearer w2") == nil)
    }

    @Test func addsTheVariablesTokensToTheFiles() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString)").path
        try "write from-file\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tokens = try #require(
            try BearerTokens.configured(file: path, environment: ["EMBCACHE_TOKENS": "read from-variable"])
        )
        #expect(tokens.scope(ofAuthorization: "Bearer from-file") == .write)
        #expect(tokens.scope(ofAuthorization: "Bearer from-variable") == .read)
    }

    @Test func noFileAndAnEmptyOrMissingVariableMeanNoTokens() throws {
        #expect(try BearerTokens.configured(file: nil, environment: [:]) == nil)
        #expect(try BearerTokens.configured(file: nil, environment: ["EMBCACHE_TOKENS": ""]) == nil)
    }

    @Test func namesTheMalformedEntryButNeverAToken() throws {
        let error = #expect(throws: EmbeddingCacheError.self) {
            try BearerTokens.configured(file: nil, environment: ["EMBCACHE_TOKENS": "read r1,admin secret-value"])
        }
        #expect(error?.message.contains("EMBCACHE_TOKENS entry 2") == true)
        #expect(error?.message.contains("secret-value") == false)
        #expect(error?.message.contains("r1") == false)
        let empty = #expect(throws: EmbeddingCacheError.self) {
            try BearerTokens.configured(file: nil, environment: ["EMBCACHE_TOKENS": " , "])
        }
        #expect(empty?.message == "EMBCACHE_TOKENS holds no token")
    }

    @Test func tokensFromTheVariableAllowListeningBeyondLoopback() throws {
        var configuration = EmbeddingsServer.Configuration()
        try configuration.listen(on: "0.0.0.0:8080")
        configuration.tokens = try BearerTokens.configured(file: nil, environment: ["EMBCACHE_TOKENS": "write w"])
        try configuration.validate()
    }
}
