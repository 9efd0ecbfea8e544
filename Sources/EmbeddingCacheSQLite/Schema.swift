internal import GRDB

/// The database schema: table and column names, and the versioned migrations that create them.
///
/// Migrations are plain SQL and never refer to the library's types, so an old migration keeps
/// producing the same schema whatever the code becomes.
enum Schema {
    /// `PRAGMA application_id` of an embcache store: "EMBC" in ASCII.
    static let applicationID: Int32 = 0x454D_4243
    /// `PRAGMA user_version` after the last migration this version knows.
    static let version = 3

    /// The `namespace` table: one row per (model, preprocessing, storage), never deleted.
    enum Namespace {
        static let table = "namespace"
        enum Columns {
            static let id = "id"
            static let model = "model"
            static let preprocessing = "preprocessing"
            static let storage = "storage"
        }
    }

    /// The `entry` table: one row per stored record.
    enum Entry {
        static let table = "entry"
        static let keyIndex = "entry_key"
        static let lastUsedIndex = "entry_last_used"
        /// Whether a row's payload lives in a side file, for RETURNING clauses. SQLite 3.40 (Debian
        /// 12) evaluates `payload IS NULL` wrongly there, always false; `typeof` is right.
        static let inSideFile = "typeof(\(Columns.payload)) = 'null'"
        enum Columns {
            static let namespaceID = "namespace_id"
            /// The 32 raw digest bytes.
            static let digest = "digest"
            /// The payload, or NULL when it lives in a side file.
            static let payload = "payload"
            /// The payload's byte count, wherever it lives.
            static let size = "size"
            /// The record's `RecordChecksum`, as an unsigned 32-bit integer.
            static let checksum = "checksum"
            /// Milliseconds since 1970.
            static let created = "created"
            /// Milliseconds since 1970, updated coarsely (see `Configuration.touchInterval`).
            static let lastUsed = "last_used"
        }
    }

    /// The `claim` table: leases on missed keys, so processes sharing the file encode each once.
    enum Claim {
        static let table = "claim"
        enum Columns {
            static let namespaceID = "namespace_id"
            static let digest = "digest"
            /// The 16 random bytes naming the store instance that holds the lease.
            static let holder = "holder"
            /// Milliseconds since 1970 when the lease ends.
            static let expires = "expires"
            /// The host name of the holder's machine.
            static let host = "host"
            /// The holder's process id on that machine.
            static let pid = "pid"
        }
    }

    /// The migrations, in order. Identifiers are permanent.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            typealias N = Namespace.Columns
            typealias E = Entry.Columns
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: "PRAGMA user_version = 1")
            try db.execute(
                sql: """
                    CREATE TABLE \(Namespace.table) (
                        \(N.id) INTEGER PRIMARY KEY,
                        \(N.model) TEXT NOT NULL,
                        \(N.preprocessing) TEXT NOT NULL,
                        \(N.storage) TEXT NOT NULL,
                        UNIQUE (\(N.model), \(N.preprocessing), \(N.storage))
                    );
                    CREATE TABLE \(Entry.table) (
                        \(E.namespaceID) INTEGER NOT NULL REFERENCES \(Namespace.table)(\(N.id)),
                        \(E.digest) BLOB NOT NULL CHECK (length(\(E.digest)) = 32),
                        \(E.payload) BLOB,
                        \(E.size) INTEGER NOT NULL,
                        \(E.checksum) INTEGER NOT NULL,
                        \(E.created) INTEGER NOT NULL,
                        \(E.lastUsed) INTEGER NOT NULL
                    );
                    CREATE UNIQUE INDEX \(Entry.keyIndex) ON \(Entry.table) (\(E.namespaceID), \(E.digest));
                    CREATE INDEX \(Entry.lastUsedIndex) ON \(Entry.table) (\(E.lastUsed));
                    """
            )
        }
        // Record format 2 (length-framed checksum seeds). Records of format 1 stay readable and
        // are rewritten by `embcache migrate`; the version tells older embcache to refuse the store.
        migrator.registerMigration("v2-record-format") { db in
            try db.execute(sql: "PRAGMA user_version = 2")
        }
        migrator.registerMigration("leases") { db in
            typealias C = Claim.Columns
            try db.execute(
                sql: """
                    CREATE TABLE \(Claim.table) (
                        \(C.namespaceID) INTEGER NOT NULL,
                        \(C.digest) BLOB NOT NULL,
                        \(C.holder) BLOB NOT NULL,
                        \(C.expires) INTEGER NOT NULL,
                        \(C.host) TEXT NOT NULL,
                        \(C.pid) INTEGER NOT NULL,
                        PRIMARY KEY (\(C.namespaceID), \(C.digest))
                    ) WITHOUT ROWID
                    """
            )
        }
        // Record format 3 (chunks summed with plain CRC32C). Records of formats 1 and 2 stay
        // readable and are rewritten by `embcache migrate`; the version tells older embcache to
        // refuse the store.
        migrator.registerMigration("v3-record-format") { db in
            try db.execute(sql: "PRAGMA user_version = 3")
        }
        return migrator
    }()
}
