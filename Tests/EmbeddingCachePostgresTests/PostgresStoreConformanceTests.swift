import EmbeddingCache
import EmbeddingCachePostgres
import EmbeddingCacheTesting
import Testing

@Suite(.enabled(if: TestDatabase.enabled, TestDatabase.skipReason))
struct PostgresStoreConformanceTests {
    @Test(arguments: StoreConformance.checks)
    func conformance(check: StoreConformance.Check) async throws {
        try await TestDatabase.withStores { makeStore in
            try await check.run { clock in makeStore(try TestDatabase.configuration(clock: clock)) }
        }
    }

    @Test(arguments: LeasingConformance.checks)
    func leasing(check: LeasingConformance.Check) async throws {
        let configuration = try TestDatabase.configuration()
        try await TestDatabase.withStores { makeStore in
            try await check.run { makeStore(configuration) }
        }
    }
}
