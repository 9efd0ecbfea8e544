import Foundation
import Testing

/// Fails in CI when the test server's URL is missing; elsewhere, says loudly, as a warning in the test report, that the PostgreSQL tests did not run.
struct PostgresSkipNotice {
    @Test func postgresTestsRanOrAWarningSaysWhyNot() {
        guard !PostgresTestStore.enabled else {
            #expect(
                ProcessInfo.processInfo.environment["EMBCACHE_TEST_POSTGRES_URL"] != nil,
                "EMBCACHE_TEST_POSTGRES_URL must be set in CI (Scripts/test.sh sets it)"
            )
            return
        }
        Issue.record(
            "the PostgreSQL tests of this target were SKIPPED: \(PostgresTestStore.skipReason)",
            severity: .warning
        )
    }
}
