internal import EmbeddingCache
internal import EmbeddingCacheSQLite
internal import EmbeddingCacheTesting
internal import Testing

/// The SQLite store's leases pass the same checks as PostgreSQL's: each store instance on one file
/// plays a host, as processes sharing the file do.
struct SQLiteLeasingConformanceTests {
    @Test(arguments: LeasingConformance.checks)
    func leasing(check: LeasingConformance.Check) async throws {
        let folder = try TemporaryFolder()
        try await check.run { try SQLiteEmbeddingStore(path: folder.databasePath) }
    }
}
