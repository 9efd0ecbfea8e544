import EmbeddingCache
import EmbeddingCachePostgres
import EmbeddingCacheTesting
import Foundation
import PostgresNIO
import Testing

/// The PostgreSQL server the tests use: `EMBCACHE_TEST_POSTGRES_URL`, which `Scripts/test.sh`
/// sets after starting a throwaway server. Each test works in a schema of its own.
enum TestDatabase {
    /// The server's URL, if set.
    static let url = ProcessInfo.processInfo.environment["EMBCACHE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether the PostgreSQL tests run: with a URL, and always in CI (where a missing URL fails).
    static let enabled = url != nil || ProcessInfo.processInfo.environment["CI"] != nil

    /// Why the PostgreSQL tests are skipped locally.
    static let skipReason: Comment =
        "EMBCACHE_TEST_POSTGRES_URL is not set: run Scripts/test.sh, which starts a throwaway PostgreSQL"

    /// A configuration for a new, empty schema of the test server.
    static func configuration(clock: TestClock? = nil) throws -> PostgresEmbeddingStore.Configuration {
        let url = try #require(url, "EMBCACHE_TEST_POSTGRES_URL must be set in CI (Scripts/test.sh sets it)")
        var configuration = try PostgresEmbeddingStore.Configuration(url: url)
        let name = "test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        configuration.schema = name
        configuration.applicationName = name
        configuration.maximumConnections = 4
        if let clock { configuration.now = clock.now }
        return configuration
    }

    /// Runs `body` with a factory of running stores; every store made is shut down afterwards.
    static func withStores<Result: Sendable>(
        _ body: (@escaping @Sendable (PostgresEmbeddingStore.Configuration) -> PostgresEmbeddingStore) async throws ->
            Result
    ) async throws -> Result {
        let (stores, continuation) = AsyncStream.makeStream(of: PostgresEmbeddingStore.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await withDiscardingTaskGroup { running in
                    for await store in stores { running.addTask { try? await store.run() } }
                }
            }
            defer {
                continuation.finish()
                group.cancelAll()
            }
            return try await body { configuration in
                let store = PostgresEmbeddingStore(configuration: configuration)
                continuation.yield(store)
                return store
            }
        }
    }

    /// Runs SQL on the test server in `schema`, on a client of its own, and returns the rows'
    /// first columns as integers (for counts).
    @discardableResult
    static func execute(_ query: PostgresQuery, schema: String?) async throws -> [Int] {
        try await withConnection(schema: schema) { connection in
            var values = [Int]()
            for try await row in try await connection.query(query, logger: Logger(label: "embcache-tests")) {
                values.append(try row.decode(Int?.self) ?? 0)
            }
            return values
        }
    }

    /// Runs `body` on one connection of a client of its own to the test server, in `schema`, so
    /// that statements can share a transaction.
    static func withConnection<Result: Sendable>(
        schema: String?,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let store = try PostgresEmbeddingStore.Configuration(url: try #require(url))
        var configuration = PostgresClient.Configuration(
            host: store.host,
            port: store.port,
            username: store.username,
            password: store.password,
            database: store.database,
            tls: .disable
        )
        if let schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        let client = PostgresClient(configuration: configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await client.withConnection(body)
        }
    }
}
