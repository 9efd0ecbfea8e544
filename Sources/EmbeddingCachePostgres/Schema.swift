internal import EmbeddingCache
internal import Logging
internal import PostgresNIO

/// The database schema: tables, and the versioned migrations that create them.
///
/// Migrations are plain SQL that never refers to the library's types. They run in one transaction
/// under a transaction-scoped advisory lock, so processes starting together migrate once: the
/// others wait for the lock, then find the version current.
enum Schema {
    /// The version after the last migration this version knows.
    static let version = 3
    /// The advisory lock key taken around migrations: "EMBC" and 1 in ASCII-ish hex.
    static let migrationLock: Int64 = 0x454D_4243_0000_0001

    /// The migrations, in order: element `i` takes the schema from version `i` to `i + 1`.
    static let migrations: [[PostgresQuery]] = [
        [
            """
            CREATE TABLE embcache_namespace (
                id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                model text NOT NULL,
                preprocessing text NOT NULL,
                storage text NOT NULL,
                UNIQUE (model, preprocessing, storage)
            )
            """,
            """
            CREATE TABLE embcache_entry (
                namespace_id integer NOT NULL REFERENCES embcache_namespace (id),
                digest bytea NOT NULL CHECK (length(digest) = 32),
                payload bytea NOT NULL,
                checksum integer NOT NULL,
                size bigint NOT NULL,
                created bigint NOT NULL,
                last_used bigint NOT NULL,
                PRIMARY KEY (namespace_id, digest)
            )
            """,
            // Tensors barely compress: keep large payloads out of line but uncompressed.
            "ALTER TABLE embcache_entry ALTER COLUMN payload SET STORAGE EXTERNAL",
            "CREATE INDEX embcache_entry_last_used ON embcache_entry (last_used)",
            // Leases are short-lived: unlogged (a crash forgets them, which only costs a re-encode).
            """
            CREATE UNLOGGED TABLE embcache_claim (
                namespace_id integer NOT NULL,
                digest bytea NOT NULL,
                holder uuid NOT NULL,
                expires timestamptz NOT NULL,
                PRIMARY KEY (namespace_id, digest)
            )
            """,
        ],
        // Record format 2 (length-framed checksum seeds): no table changes. Records of format 1
        // stay readable and are rewritten by `embcache migrate`; the version tells older embcache
        // to refuse the database.
        [],
        // Record format 3 (chunks summed with plain CRC32C): no table changes either. Records of
        // formats 1 and 2 stay readable and are rewritten by `embcache migrate`.
        [],
    ]

    /// Creates the schema, or migrates it to ``version``, on a connection of its own.
    ///
    /// The connection is made outside the pool, so a wrong password or an unreachable server is
    /// reported at once, with the server's own reason, rather than after the pool gives up.
    ///
    /// - Throws: ``EmbeddingCacheError`` `.storeIncompatible` when a newer embcache migrated the
    ///   database; what the server or the connection throws otherwise.
    static func migrate(_ configuration: PostgresEmbeddingStore.Configuration, logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: try configuration.connection(),
            id: 0,
            logger: logger
        )
        do {
            try await connection.untilClosed(watchedBy: CloseWatch()) {
                try await migrate($0, logger: logger, schema: configuration.schema)
            }
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func migrate(_ connection: PostgresConnection, logger: Logger, schema: String?) async throws {
        try await connection.transaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            if let schema {
                // `schema` is a checked plain identifier (see `Configuration.isPlainIdentifier`).
                try await connection.query(
                    PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"),
                    logger: logger
                )
            }
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS embcache_schema (version integer NOT NULL)",
                logger: logger
            )
            var current = 0
            for try await found in try await connection.query(
                "SELECT max(version) FROM embcache_schema",
                logger: logger
            )
            .decode(Int?.self) {
                current = found ?? 0
            }
            guard current <= version else {
                throw EmbeddingCacheError(
                    .storeIncompatible,
                    "the database was migrated by a newer version of embcache (schema version \(current); this version knows up to \(version)); upgrade embcache or use another database or schema"
                )
            }
            for (index, migration) in migrations.enumerated().dropFirst(current) {
                for statement in migration { try await connection.query(statement, logger: logger) }
                try await connection.query(
                    "INSERT INTO embcache_schema (version) VALUES (\(index + 1))",
                    logger: logger
                )
            }
        }
    }
}
