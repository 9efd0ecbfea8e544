import EmbeddingCache
import EmbeddingCacheUpstream
import Foundation
import Testing

@testable import EmbeddingCacheHTTP

/// The proxy keeps the caches of the namespaces used most recently.
struct RecentlyUsedTests {
    @Test func evictsTheLeastRecentlyUsedKeyWhenFull() {
        var map = RecentlyUsed<String, Int>(capacity: 2)
        map["a"] = 1
        map["b"] = 2
        #expect(map["a"] == 1)
        map["c"] = 3
        #expect(Set(map.keys) == ["a", "c"])
        map["a"] = 4
        #expect(Set(map.keys) == ["a", "c"])
        map["d"] = 5
        #expect(Set(map.keys) == ["a", "d"])
        #expect(map["a"] == 4)
    }

    @Test func aProxyPastItsLimitEvictsTheNamespaceUsedLeastRecently() async throws {
        try await StubUpstream.with { _, url in
            var configuration = OpenAIUpstream.Configuration(baseURL: url)
            configuration.maximumAttempts = 1
            let proxy = EmbeddingsProxy(
                store: InMemoryEmbeddingStore(),
                upstream: OpenAIUpstream(configuration: configuration)
            )
            let ask = { @Sendable (model: String) async throws in
                _ = try await proxy.embeddings(
                    EmbeddingsRequest(parsing: Data(#"{"model":"\#(model)","input":"x"}"#.utf8))
                )
            }
            for index in 0..<EmbeddingsProxy.maximumKeptNamespaces { try await ask("m\(index)") }
            try await ask("m0")
            try await ask("new")
            let kept = Set(proxy.keptNamespaces.map(\.model))
            #expect(kept.count == EmbeddingsProxy.maximumKeptNamespaces)
            #expect(kept.contains("m0"))
            #expect(kept.contains("new"))
            #expect(!kept.contains("m1"))
        }
    }
}
