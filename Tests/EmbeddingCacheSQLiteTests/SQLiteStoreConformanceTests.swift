internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import Testing

struct SQLiteStoreConformanceTests {
    @Test(arguments: StoreConformance.checks)
    func conformance(check: StoreConformance.Check) async throws {
        let folder = try TemporaryFolder()
        try await check.run { clock in try folder.store(clock: clock) }
    }

    @Test(arguments: StoreConformance.checks)
    func conformanceWithEveryPayloadInASideFile(check: StoreConformance.Check) async throws {
        let folder = try TemporaryFolder()
        try await check.run { clock in try folder.store(clock: clock) { $0.sideFileThreshold = 0 } }
    }
}
