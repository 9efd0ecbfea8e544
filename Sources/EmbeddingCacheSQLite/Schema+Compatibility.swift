internal import EmbeddingCache
internal import GRDB

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

extension Schema {
    /// Refuses a file that is not an embcache store, before anything writes to it.
    ///
    /// A missing or empty file is fine (it becomes a new store), and so is an SQLite file with no
    /// tables and no application id. A hot rollback journal left by a process killed mid-write is
    /// rolled back first, as SQLite does for any reader that may write. The check reads through a read-only connection, so a foreign
    /// database is never switched to WAL or otherwise touched. That connection waits up to
    /// `busyTimeout` for locks like every other: another process closing the store (and
    /// checkpointing its WAL) or recovering it must not make this one fail to open.
    ///
    /// - Throws: ``EmbeddingCacheError`` `.storeIncompatible` for another application's database or
    ///   one migrated by a newer embcache; `DatabaseError` `SQLITE_NOTADB` for a file that is not
    ///   SQLite.
    static func checkCompatibility(ofFileAt path: String, busyTimeout: Duration) throws {
        guard SideFiles.fileSize(path) > 0 else { return }
        let deadline = ContinuousClock.now + busyTimeout
        while true {
            do {
                return try checkCompatibilityReadOnly(ofFileAt: path, busyTimeout: busyTimeout)
            } catch let error as DatabaseError
                where [.SQLITE_READONLY, .SQLITE_BUSY].contains(error.resultCode) && ContinuousClock.now < deadline
            {
                // SQLITE_READONLY: a read-only connection cannot roll back a hot journal (a
                // process died inside a write transaction, such as the switch of a new store to
                // WAL), nor set up a new file's WAL index while another process creates the
                // store. A read-write connection rolls the journal back, restoring the file's last
                // committed state as any SQLite reader that may write would; one that fails
                // because another process is mid-switch changes nothing. Either way, check again
                // shortly, within the busy timeout, as SQLite's busy handler would.
                if error.resultCode == .SQLITE_READONLY {
                    try? rollBackHotJournal(ofFileAt: path, busyTimeout: busyTimeout)
                }
                usleep(10_000)
            }
        }
    }

    /// Opens the file read-write without changing its journal mode, which makes SQLite roll back
    /// a hot journal, and closes it.
    private static func rollBackHotJournal(ofFileAt path: String, busyTimeout: Duration) throws {
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(busyTimeout.seconds)
        try DatabaseQueue(path: path, configuration: configuration).close()
    }

    private static func checkCompatibilityReadOnly(ofFileAt path: String, busyTimeout: Duration) throws {
        var configuration = GRDB.Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout.seconds)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        try queue.read { db in
            let application = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            switch application {
            case applicationID:
                try checkVersion(db, path: path)
            case 0:
                let tables = try String.fetchAll(
                    db,
                    sql:
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'"
                )
                guard tables.isEmpty else {
                    throw EmbeddingCacheError(
                        .storeIncompatible,
                        "the file at \(path) is an SQLite database of another application, not an embcache store"
                    )
                }
            default:
                throw EmbeddingCacheError(
                    .storeIncompatible,
                    "the file at \(path) is an SQLite database of another application (application id \(application)), not an embcache store"
                )
            }
        }
    }

    private static func checkVersion(_ db: Database, path: String) throws {
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        guard version <= Schema.version, try !migrator.hasBeenSuperseded(db) else {
            throw EmbeddingCacheError(
                .storeIncompatible,
                "the embcache store at \(path) was written by a newer version of embcache (schema version \(version); this version knows up to \(Schema.version)); upgrade embcache or use another store path"
            )
        }
    }

    /// Applies the migrations a file lacks.
    ///
    /// Two processes opening a new file together may both try the same migration; the one that
    /// loses fails on the other's tables, finds the schema complete, and carries on.
    static func migrate(_ pool: DatabasePool) throws {
        do {
            try migrator.migrate(pool)
        } catch {
            guard try pool.read(migrator.hasCompletedMigrations) else { throw error }
        }
    }
}
