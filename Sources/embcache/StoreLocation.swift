import EmbeddingCache
import EmbeddingCachePostgres
import EmbeddingCacheSQLite
import Foundation

/// Opens the store a `--store` location names: a `postgres://` URL, else a SQLite file path.
enum StoreLocation {
    /// The location used when neither `--store` nor `EMBCACHE_STORE` is set.
    static var defaultLocation: String { SQLiteEmbeddingStore.defaultPath }

    /// A file private to this user on this machine, beside the default store whatever `--store`
    /// names: the `--trust-stat` memo, the remembered worker handshakes.
    static func localFile(_ name: String) -> String {
        URL(fileURLWithPath: defaultLocation).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Whether `location` names a PostgreSQL database rather than a file.
    static func isPostgres(_ location: String) -> Bool {
        PostgresEmbeddingStore.Configuration.isPostgresURL(location)
    }

    /// `location` without any password, for printing.
    static func displayName(_ location: String) -> String {
        PostgresEmbeddingStore.Configuration.redacting(location)
    }

    /// Checks a PostgreSQL URL's form without connecting; file paths always pass.
    ///
    /// - Throws: ``EmbeddingCacheError`` `.invalidArgument` for a malformed URL.
    static func validate(_ location: String, passwordFile: String?) throws {
        guard isPostgres(location) else { return }
        _ = try PostgresEmbeddingStore.Configuration(url: location, passwordFile: passwordFile)
    }

    /// Opens (creating when absent) the store at `location` for the duration of `body`.
    ///
    /// A PostgreSQL store's connection pool runs while `body` runs and shuts down after.
    ///
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be opened, is not an embcache store
    ///   or is from a newer schema; what `body` throws.
    static func withStore<Result: Sendable>(
        _ location: String,
        passwordFile: String?,
        _ body: (any EmbeddingStore) async throws -> Result
    ) async throws -> Result {
        guard isPostgres(location) else { return try await body(try SQLiteEmbeddingStore(path: location)) }
        let configuration = try PostgresEmbeddingStore.Configuration(url: location, passwordFile: passwordFile)
        return try await PostgresEmbeddingStore.withStore(configuration) { try await body($0) }
    }

    /// Whether a store exists at `location`: always for a PostgreSQL URL (its tables are created on
    /// first use), and for a file path when the file exists.
    static func exists(_ location: String) -> Bool {
        isPostgres(location) || FileManager.default.fileExists(atPath: location)
    }
}
