import Testing

/// Fails in CI when the test server's URL is missing; elsewhere, says loudly, as a warning in the test report, that the PostgreSQL store's tests did not run.
struct PostgresSkipNotice {
    @Test func postgresTestsRanOrAWarningSaysWhyNot() {
        guard !TestDatabase.enabled else {
            #expect(TestDatabase.url != nil, "EMBCACHE_TEST_POSTGRES_URL must be set in CI (Scripts/test.sh sets it)")
            return
        }
        Issue.record(
            "the PostgreSQL store's tests were SKIPPED: \(TestDatabase.skipReason)",
            severity: .warning
        )
    }
}
