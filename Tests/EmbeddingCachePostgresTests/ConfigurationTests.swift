import EmbeddingCache
import EmbeddingCachePostgres
import Foundation
import Testing

struct ConfigurationTests {
    @Test func aURLGivesServerRoleDatabaseAndOptions() throws {
        let configuration = try PostgresEmbeddingStore.Configuration(
            url:
                "postgres://alice:s%40cret@db.internal:6543/features?sslmode=require&schema=cache&connections=3&application_name=worker-7",
            environment: [:]
        )
        #expect(configuration.applicationName == "worker-7")
        #expect(configuration.host == "db.internal" && configuration.port == 6543)
        #expect(configuration.username == "alice" && configuration.password == "s@cret")
        #expect(configuration.database == "features" && configuration.schema == "cache")
        #expect(configuration.tls == .require && configuration.maximumConnections == 3)
        #expect(configuration.redactedURL == "postgres://alice@db.internal:6543/features?schema=cache")
    }

    @Test func defaultsFollowLibpq() throws {
        let configuration = try PostgresEmbeddingStore.Configuration(url: "postgresql://localhost", environment: [:])
        #expect(configuration.port == 5432 && configuration.username == "postgres" && configuration.database == nil)
        #expect(configuration.tls == .prefer && configuration.password == nil)
    }

    @Test func thePasswordComesFromTheURLThenTheFileThenPGPASSWORDThenThePasswordFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("embcache-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let secret = folder.appendingPathComponent("secret").path
        try Data("from-file\nignored\n".utf8).write(to: URL(fileURLWithPath: secret))
        let pgpass = folder.appendingPathComponent("pgpass").path
        try Data("# comment\nother:*:*:*:nope\ndb:5432:*:bob:from\\:pgpass\n".utf8).write(
            to: URL(fileURLWithPath: pgpass)
        )
        let url = "postgres://bob@db/cache"
        let environment = ["PGPASSWORD": "from-env", "PGPASSFILE": pgpass]
        typealias Configuration = PostgresEmbeddingStore.Configuration
        #expect(try Configuration(url: "postgres://bob:inline@db/cache", environment: environment).password == "inline")
        #expect(try Configuration(url: url, environment: environment, passwordFile: secret).password == "from-file")
        #expect(try Configuration(url: url, environment: environment).password == "from-env")
        #expect(try Configuration(url: url, environment: ["PGPASSFILE": pgpass]).password == "from:pgpass")
        #expect(
            try Configuration(url: "postgres://carol@db/cache", environment: ["PGPASSFILE": pgpass]).password == nil
        )
    }

    @Test(arguments: [
        "postgres://", "postgres://host/db?sslmode=sometimes", "postgres://host/db?schema=Drop;Table",
        "postgres://host/db?colour=blue", "sqlite:///tmp/x", "postgres://host/db?application_name=",
        "postgres://host/db?application_name=\(String(repeating: "a", count: 64))",
    ])
    func malformedURLsAreRefused(url: String) {
        #expect(throws: EmbeddingCacheError.self) {
            _ = try PostgresEmbeddingStore.Configuration(url: url, environment: [:])
        }
    }

    @Test func redactingHidesOnlyThePassword() {
        typealias Configuration = PostgresEmbeddingStore.Configuration
        #expect(Configuration.redacting("postgres://u:pw@h:1/d") == "postgres://u:***@h:1/d")
        #expect(Configuration.redacting("postgres://u@h/d") == "postgres://u@h/d")
        #expect(Configuration.redacting("/tmp/cache.sqlite") == "/tmp/cache.sqlite")
    }
}
