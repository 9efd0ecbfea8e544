internal import EmbeddingCache
internal import EmbeddingCacheTesting
internal import Testing

struct InMemoryStoreConformanceTests {
    @Test(arguments: StoreConformance.checks)
    func conformance(check: StoreConformance.Check) async throws {
        try await check.run { clock in InMemoryEmbeddingStore(now: clock.now) }
    }
}

struct InMemoryLeasingConformanceTests {
    @Test(arguments: LeasingConformance.checks)
    func leasing(check: LeasingConformance.Check) async throws {
        let table = InMemoryLeases.Table()
        let base = InMemoryEmbeddingStore()
        try await check.run { InMemoryLeases(base: base, table: table) }
    }
}
