import ArgumentParser
import EmbeddingCache
import Foundation

/// `--store LOCATION` and `--password-file FILE`, shared by every command that opens the cache.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where the cache lives: a SQLite file path, or postgres://user@host:port/database.",
            discussion: """
                Without --store, the EMBCACHE_STORE environment variable; without it, \
                $EMBCACHE_DIR/cache.sqlite, else $XDG_CACHE_HOME/embcache/cache.sqlite, \
                else ~/.cache/embcache/cache.sqlite. A PostgreSQL URL takes ?sslmode=disable|prefer|\
                require|verify-ca|verify-full, ?schema=NAME, ?connections=N and ?application_name=NAME; its password comes \
                from the URL, --password-file, PGPASSWORD or PGPASSFILE (~/.pgpass).
                """,
            valueName: "location"
        )
    )
    var store: String?

    @Option(
        name: .long,
        help: ArgumentHelp("A file whose first line is the PostgreSQL password.", valueName: "file")
    )
    var passwordFile: String?

    /// The location to open: `--store`, else `EMBCACHE_STORE`, else the default file.
    var location: String {
        if let store { return store }
        if let variable = ProcessInfo.processInfo.environment["EMBCACHE_STORE"], !variable.isEmpty { return variable }
        return StoreLocation.defaultLocation
    }

    /// ``location`` as reports and messages show it: a PostgreSQL URL without its password.
    var displayName: String { StoreLocation.displayName(location) }

    /// Runs `body` with the store at ``location``, creating it when absent; see
    /// ``StoreLocation/withStore(_:passwordFile:_:)``.
    func withStore<Result: Sendable>(_ body: (any EmbeddingStore) async throws -> Result) async throws -> Result {
        try await StoreLocation.withStore(location, passwordFile: passwordFile, body)
    }

    /// Runs `body` with the store at ``location`` when one exists there, so that a command that
    /// only reads or removes never creates a store file.
    ///
    /// A PostgreSQL database always counts as existing: its tables are created when missing.
    ///
    /// - Returns: What `body` returns, or `nil` when no store file exists at ``location``.
    /// - Throws: ``EmbeddingCacheError`` when the store cannot be opened; what `body` throws.
    func withExistingStore<Result: Sendable>(
        _ body: (any EmbeddingStore) async throws -> Result
    ) async throws -> Result? {
        guard StoreLocation.exists(location) else { return nil }
        return try await withStore(body)
    }

    func validate() throws {
        if store?.isEmpty == true { throw ValidationError("--store needs a location") }
        do {
            try StoreLocation.validate(location, passwordFile: passwordFile)
        } catch let error as EmbeddingCacheError {
            throw ValidationError(error.message)
        }
    }
}
