"""The SQLite store's schema (docs/format.md, "SQLite schema"), as the Swift store's migrations make it."""

from __future__ import annotations

import sqlite3

from .errors import StoreIncompatibleError

#: ``PRAGMA application_id`` of an embcache store: "EMBC" in ASCII.
APPLICATION_ID = 0x454D4243
#: ``PRAGMA user_version`` this package reads and writes; a larger one is a newer format.
SCHEMA_VERSION = 3
#: The page size of a new file.
PAGE_SIZE = 8192

#: The migrations in order, by the identifiers the ``grdb_migrations`` table records.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "v1",
        f"""
        PRAGMA application_id = {APPLICATION_ID};
        PRAGMA user_version = 1;
        CREATE TABLE namespace (
            id INTEGER PRIMARY KEY,
            model TEXT NOT NULL,
            preprocessing TEXT NOT NULL,
            storage TEXT NOT NULL,
            UNIQUE (model, preprocessing, storage)
        );
        CREATE TABLE entry (
            namespace_id INTEGER NOT NULL REFERENCES namespace(id),
            digest BLOB NOT NULL CHECK (length(digest) = 32),
            payload BLOB,
            size INTEGER NOT NULL,
            checksum INTEGER NOT NULL,
            created INTEGER NOT NULL,
            last_used INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX entry_key ON entry (namespace_id, digest);
        CREATE INDEX entry_last_used ON entry (last_used);
        """,
    ),
    ("v2-record-format", "PRAGMA user_version = 2;"),
    (
        "leases",
        """
        CREATE TABLE claim (
            namespace_id INTEGER NOT NULL,
            digest BLOB NOT NULL,
            holder BLOB NOT NULL,
            expires INTEGER NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            PRIMARY KEY (namespace_id, digest)
        ) WITHOUT ROWID;
        """,
    ),
    ("v3-record-format", "PRAGMA user_version = 3;"),
)


def check(connection: sqlite3.Connection, path: str) -> bool:
    """Checks that the file is an embcache store this package can read.

    Args:
        connection: A connection to the file.
        path: The file's path, for messages.

    Returns:
        Whether the file is still empty (no tables, no application id): a new store.

    Raises:
        StoreIncompatibleError: Another application's database, a newer embcache's store, or a
            store whose text encoding is not UTF-8.
    """
    application = connection.execute("PRAGMA application_id").fetchone()[0]
    if application == 0:
        tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name <> 'grdb_migrations'"
        ).fetchall()
        if tables:
            raise StoreIncompatibleError(
                f"the file at {path} is an SQLite database of another application, not an embcache store"
            )
        return True
    if application != APPLICATION_ID:
        raise StoreIncompatibleError(
            f"the file at {path} is an SQLite database of another application "
            f"(application id {application}), not an embcache store"
        )
    encoding = connection.execute("PRAGMA encoding").fetchone()[0]
    if encoding != "UTF-8":
        raise StoreIncompatibleError(
            f"the embcache store at {path} has the text encoding {encoding}; an embcache store's is UTF-8"
        )
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreIncompatibleError(
            f"the embcache store at {path} was written by a newer version of embcache (schema version "
            f"{version}; this package knows up to {SCHEMA_VERSION}); upgrade the embcache Python package"
        )
    return False


def applied(connection: sqlite3.Connection) -> list[str]:
    """The migrations the file records, in order of application.

    Args:
        connection: A connection to the file.

    Returns:
        Their identifiers; empty for a new file.
    """
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'grdb_migrations'"
    ).fetchone()
    if not exists:
        return []
    return [row[0] for row in connection.execute("SELECT identifier FROM grdb_migrations ORDER BY rowid")]


def migrate(connection: sqlite3.Connection, path: str) -> None:
    """Applies the migrations the file lacks, in one write transaction, as the Swift store does.

    Args:
        connection: An autocommit (``isolation_level=None``) connection to the file.
        path: The file's path, for messages.

    Raises:
        StoreIncompatibleError: The file records a migration this package does not know.
    """
    known = [identifier for identifier, _ in MIGRATIONS]
    connection.execute("BEGIN IMMEDIATE")
    try:
        done = applied(connection)
        unknown = [identifier for identifier in done if identifier not in known]
        if unknown:
            raise StoreIncompatibleError(
                f"the embcache store at {path} was migrated by a newer version of embcache "
                f"(migration {unknown[0]!r}); upgrade the embcache Python package"
            )
        connection.execute("CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        for identifier, sql in MIGRATIONS:
            if identifier in done:
                continue
            for statement in sql.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute("INSERT INTO grdb_migrations (identifier) VALUES (?)", (identifier,))
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
