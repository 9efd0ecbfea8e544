internal import EmbeddingCache
internal import EmbeddingCacheTesting
internal import Testing

struct InMemoryStoreConformanceTests {
    @Test(arguments: StoreConformance.checks)
    func conformance(check: StoreConformance.Check) async throws {
        try await check.run { clock in InMemoryEmbeddingStore(now: clock.now) }
    }
}
