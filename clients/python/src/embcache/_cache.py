"""An open embcache SQLite store: verified reads, and writes under the Swift store's rules."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
import os
import secrets
import socket
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, Optional, Union

import numpy as np

from . import _codec, _lookup, _schema, _sidefiles
from ._checksum import RecordChecksum
from ._digest import composite_digest, digest, digest_bytes
from ._namespace import ENCODER_NAMESPACES, Namespace
from ._policy import apply_policy
from .errors import (
    InvalidArgumentError,
    ReadOnlyError,
    StoreFailedError,
    StoreNotFoundError,
    UnknownNamespaceError,
)

logger = logging.getLogger("embcache")

Tensors = dict[str, np.ndarray]
#: An input of :meth:`Cache.get_or_compute`: bytes, a text (keyed by its UTF-8 bytes), or a tuple
#: of parts (keyed by their composite digest).
Input = Union[bytes, bytearray, memoryview, str, tuple]
Digest = Union[bytes, str]

# A read records an entry's last use only when the stored one is older than this (as Swift does).
_TOUCH_INTERVAL_MS = 3_600_000
_BUSY_TIMEOUT_S = 30.0

_UPSERT_SQL = """
    INSERT INTO entry (namespace_id, digest, payload, size, checksum, created, last_used)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
    ON CONFLICT (namespace_id, digest) DO UPDATE SET
        payload = excluded.payload, size = excluded.size, checksum = excluded.checksum,
        created = excluded.created, last_used = excluded.last_used
    """
_SIDE_FILE_CHECKSUM_SQL = (
    "SELECT checksum FROM entry WHERE namespace_id = ?1 AND digest = ?2 AND payload IS NULL"
)
_CLAIM_SQL = """
    INSERT INTO claim (namespace_id, digest, holder, expires, host, pid)
    SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (
        SELECT 1 FROM entry WHERE namespace_id = ?1 AND digest = ?2
    )
    ON CONFLICT (namespace_id, digest) DO UPDATE SET
        holder = excluded.holder, expires = excluded.expires, host = excluded.host, pid = excluded.pid
    WHERE holder = excluded.holder OR (host = excluded.host AND NOT embcache_process_alive(pid))
    RETURNING 1
    """


def default_path() -> str:
    """The store the ``embcache`` command line uses when given no ``--store``.

    ``$EMBCACHE_STORE``, else ``$EMBCACHE_DIR/cache.sqlite``, else
    ``$XDG_CACHE_HOME/embcache/cache.sqlite``, else ``~/.cache/embcache/cache.sqlite``; empty
    variables count as unset.

    Returns:
        The path.

    Raises:
        InvalidArgumentError: ``$EMBCACHE_STORE`` names a PostgreSQL database.
    """
    store = os.environ.get("EMBCACHE_STORE")
    if store:
        _refuse_postgres(store)
        return store
    directory = os.environ.get("EMBCACHE_DIR")
    if directory:
        return os.path.join(directory, "cache.sqlite")
    directory = os.environ.get("XDG_CACHE_HOME")
    if directory:
        return os.path.join(directory, "embcache", "cache.sqlite")
    return os.path.join(os.environ.get("HOME") or os.path.expanduser("~"), ".cache", "embcache", "cache.sqlite")


def _refuse_postgres(location: str) -> None:
    if location.startswith(("postgres://", "postgresql://")):
        raise InvalidArgumentError(
            "this package opens SQLite stores only; a PostgreSQL store is read with the embcache command line"
        )


def open(path: Optional[Union[str, os.PathLike[str]]] = None, writable: bool = False) -> Cache:  # noqa: A001
    """Opens an embcache SQLite store.

    Args:
        path: The database file; the command line's default store (:func:`default_path`) when
            ``None``.
        writable: Whether to write: a writable cache creates a missing store (its folder and
            schema) and can :meth:`Cache.put` and :meth:`Cache.get_or_compute`. A read-only cache
            never writes to the file and is safe to open while another process writes.

    Returns:
        The open cache.

    Raises:
        StoreNotFoundError: Read-only and no store exists at the path.
        StoreIncompatibleError: The file is not an embcache store, or a newer embcache wrote it.
        StoreFailedError: The file cannot be opened or created.
    """
    return Cache(default_path() if path is None else os.fspath(path), writable=writable)


class Cache:
    """An open embcache SQLite store. Create it with :func:`embcache.open`.

    Reads run in one SQLite read transaction each, so they see a consistent snapshot while other
    processes write. The cache may be used from several threads, and after ``fork`` (PyTorch
    ``DataLoader`` workers): each thread and process opens its own connection.

    Args:
        path: The database file.
        writable: Whether to write (see :func:`embcache.open`).
    """

    #: How long a lease on missed keys lasts while :meth:`get_or_compute` encodes them, in seconds.
    lease_seconds: float = 60.0

    def __init__(self, path: str, writable: bool = False) -> None:
        _refuse_postgres(path)
        self.path = os.path.abspath(path)
        self.writable = writable
        self.side_file_folder = self.path + ".blobs"
        self._local = threading.local()
        self._namespace_ids: dict[Namespace, int] = {}
        # Namespaces (by id) whose records were large on average at their last batch lookup.
        self._wide_namespaces: dict[int, bool] = {}
        self._checksums: dict[Namespace, RecordChecksum] = {}
        self._holder: Optional[tuple[int, bytes]] = None
        # Connections the lookup threads borrow for the parts of large batches, by process id.
        self._spare: list[tuple[int, sqlite3.Connection]] = []
        self._spare_lock = threading.Lock()
        if writable:
            self._create()
        elif not os.path.isfile(self.path):
            raise StoreNotFoundError(
                f"no embcache store at {self.path}; create one with the embcache command line or "
                "embcache.open(path, writable=True)"
            )
        _schema.check(self._connection(), self.path)

    # Connections -------------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is not None and local.pid == os.getpid():
            return connection
        if connection is not None:
            # Inherited across fork: never used or closed here (SQLite forbids using a connection
            # in a child), so the parent's locks and log are left alone.
            _inherited.append(connection)
        local.connection, local.pid = self._new_connection(), os.getpid()
        return local.connection

    def _new_connection(self) -> sqlite3.Connection:
        try:
            if self.writable:
                connection = sqlite3.connect(
                    self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
                )
            else:
                uri = "file:" + urllib.parse.quote(self.path) + "?mode=ro"
                connection = sqlite3.connect(
                    uri, uri=True, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
                )
            connection.execute("PRAGMA mmap_size = 1099511627776")
            if self.writable:
                connection.execute("PRAGMA synchronous = NORMAL")
                connection.create_function("embcache_process_alive", 1, _process_alive)
        except sqlite3.Error as error:
            raise StoreFailedError(f"cannot open the embcache store at {self.path}: {error}") from error
        return connection

    def _drain_lent(
        self, namespace_id: int, pieces: _lookup.Pieces, stale_before: int, by_row: bool, finish: _Finish
    ) -> list[_Piece]:
        """Looks pieces of a batch up on a lookup thread, on a connection lent to it alone."""
        with self._spare_lock:
            if self._spare and self._spare[0][0] != os.getpid():
                _inherited.extend(connection for _, connection in self._spare)
                self._spare.clear()
            connection = self._spare.pop()[1] if self._spare else None
        connection = connection or self._new_connection()
        try:
            return _lookup.drain(connection, namespace_id, pieces, stale_before, by_row, finish)
        finally:
            with self._spare_lock:
                self._spare.append((os.getpid(), connection))

    def _create(self) -> None:
        try:
            os.makedirs(os.path.dirname(self.path), mode=_sidefiles.FOLDER_MODE, exist_ok=True)
            if not os.path.exists(self.path):
                try:
                    descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _sidefiles.FILE_MODE)
                    os.close(descriptor)
                except FileExistsError:
                    pass
            os.makedirs(self.side_file_folder, mode=_sidefiles.FOLDER_MODE, exist_ok=True)
        except OSError as error:
            raise StoreFailedError(f"cannot create the files of the embcache store at {self.path}: {error}") from error
        connection = self._connection()
        try:
            if _schema.check(connection, self.path):
                connection.execute(f"PRAGMA page_size = {_schema.PAGE_SIZE}")
            deadline = time.monotonic() + _BUSY_TIMEOUT_S
            while True:
                try:
                    connection.execute("PRAGMA journal_mode = WAL")
                    break
                except sqlite3.OperationalError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.01)
            _schema.migrate(connection, self.path)
        except sqlite3.Error as error:
            raise StoreFailedError(f"cannot open the embcache store at {self.path}: {error}") from error

    def close(self) -> None:
        """Closes this thread's connection and the idle ones of the lookup threads (other
        threads' close when they end)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None and self._local.pid == os.getpid():
            connection.close()
        elif connection is not None:
            _inherited.append(connection)
        self._local.connection = None
        with self._spare_lock:
            for pid, spare in self._spare:
                if pid == os.getpid():
                    spare.close()
                else:
                    _inherited.append(spare)
            self._spare.clear()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"embcache.Cache({self.path!r}, writable={self.writable})"

    # Namespaces --------------------------------------------------------------------------------

    def _namespace_id(self, namespace: Namespace, connection: sqlite3.Connection) -> Optional[int]:
        found = self._namespace_ids.get(namespace)
        if found is None:
            if not isinstance(namespace, Namespace):
                raise InvalidArgumentError("a namespace is an embcache.Namespace, never joined text")
            try:
                row = connection.execute(
                    "SELECT id FROM namespace WHERE model = ? AND preprocessing = ? AND storage = ?",
                    (namespace.model, namespace.preprocessing, namespace.storage),
                ).fetchone()
            except sqlite3.OperationalError as error:
                if not _not_created_yet(error):
                    raise
                return None
            if row is None:
                return None
            found = self._namespace_ids[namespace] = row[0]
        return found

    def _create_namespace_id(self, namespace: Namespace) -> int:
        connection = self._connection()
        found = self._namespace_id(namespace, connection)
        if found is not None:
            return found
        with self._write(connection):
            connection.execute(
                "INSERT INTO namespace (model, preprocessing, storage) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (namespace.model, namespace.preprocessing, namespace.storage),
            )
        found = self._namespace_id(namespace, connection)
        assert found is not None
        return found

    def namespaces(self) -> list[Namespace]:
        """Every namespace the store has a row for (holding records or leases), sorted.

        Returns:
            The namespaces.
        """
        try:
            rows = self._connection().execute("SELECT model, preprocessing, storage FROM namespace").fetchall()
        except sqlite3.OperationalError as error:
            if not _not_created_yet(error):
                raise
            rows = []
        return sorted((Namespace(*row) for row in rows), key=_description)

    def _checksum(self, namespace: Namespace) -> RecordChecksum:
        found = self._checksums.get(namespace)
        if found is None:
            found = self._checksums[namespace] = RecordChecksum(namespace)
        return found

    # Reads -------------------------------------------------------------------------------------

    def get(self, ns: Namespace, digests: Sequence[Digest]) -> list[Optional[Tensors]]:
        """Looks records up by content digest, verifying every checksum.

        Arrays of inline records are read-only views of the buffers copied out of SQLite (one per
        statement of up to 256 keys), which the records of one statement share; those of large
        records (side files) are read-only views of the memory-mapped file, not copies. A batch
        of 256 keys or more is looked up in pieces on several threads at once, each thread
        verifying and decoding its pieces; each piece is read in one read transaction.

        Args:
            ns: The namespace.
            digests: Content digests (32 bytes or 64 hex digits each), possibly repeated.

        Returns:
            One element per digest, in order: the record's tensors by name (in record order), or
            ``None`` for a miss. A record that fails its checksum or does not decode is a miss,
            reported as a warning on the ``embcache`` logger.

        Raises:
            UnknownNamespaceError: The store has never held a record of ``ns``.
            InvalidArgumentError: A digest is malformed.
            StoreFailedError: The store cannot be read.
        """
        keys = [digest_bytes(value) for value in digests]
        found, known = self._lookup(ns, keys)
        if not known:
            raise UnknownNamespaceError(self._unknown_message(ns))
        return [None if record is None or record is _CORRUPT else record for record in found]

    def get_many(self, ns: Namespace, digests: Sequence[Digest]) -> list[Optional[Tensors]]:
        """The same as :meth:`get`, for callers that name a batch read so."""
        return self.get(ns, digests)

    def _unknown_message(self, ns: Namespace) -> str:
        others = [n for n in self.namespaces() if n.model == ns.model] or self.namespaces()
        hint = "; it has " + ", ".join(_description(n) for n in others[:5]) if others else "; it is empty"
        return f"the embcache store at {self.path} holds no namespace {_description(ns)}{hint}"

    def _lookup(self, ns: Namespace, keys: list[bytes]) -> tuple[list[Any], bool]:
        """Records by key: tensors, ``None`` (absent) or ``_CORRUPT``; and whether ``ns`` is known."""
        connection = self._connection()
        # Only a writable cache records uses.
        stale_before = _now_ms() - _TOUCH_INTERVAL_MS if self.writable else 0
        try:
            namespace_id = self._namespace_id(ns, connection)
            if namespace_id is None:
                return [None] * len(keys), False
            opened, stale = self._find(ns, connection, namespace_id, list(dict.fromkeys(keys)), stale_before)
        except sqlite3.Error as error:
            raise StoreFailedError(f"cannot read the embcache store at {self.path}: {error}") from error
        if stale:
            self._touch(stale)
        return list(map(opened.get, keys)), True

    def _find(
        self, ns: Namespace, connection: sqlite3.Connection, namespace_id: int, keys: list[bytes], stale_before: int
    ) -> tuple[dict[bytes, Any], list[int]]:
        """The records of distinct keys, verified and decoded (``_CORRUPT`` when not right), and
        the rowids of those to touch.

        A large batch's pieces are looked up by the lookup threads and this one at once, each
        thread verifying and decoding the pieces it looked up; a row per entry when the
        namespace's records have been large (``_lookup.wide``), else in aggregates.
        """
        finish = functools.partial(self._finish, ns, namespace_id, stale_before)
        if len(keys) <= _lookup.FEW:
            piece = finish(connection, [_lookup.by_rows(connection, namespace_id, keys, stale_before)])
            return piece.opened, piece.stale
        by_row = self._wide_namespaces.get(namespace_id, False)
        pieces = _lookup.Pieces(keys)
        helpers = _lookup.THREADS.helpers() if pieces.several else 0
        pool = _lookup.THREADS.executor() if helpers else None
        futures = (
            [pool.submit(self._drain_lent, namespace_id, pieces, stale_before, by_row, finish) for _ in range(helpers)]
            if pool
            else []
        )
        finished = _lookup.drain(connection, namespace_id, pieces, stale_before, by_row, finish)
        for future in futures:
            finished += future.result()
        self._wide_namespaces[namespace_id] = any(piece.wide for piece in finished)
        opened: dict[bytes, Any] = {}
        stale: list[int] = []
        for piece in finished:
            opened.update(piece.opened)
            stale += piece.stale
        return opened, stale

    def _finish(
        self,
        ns: Namespace,
        namespace_id: int,
        stale_before: int,
        connection: sqlite3.Connection,
        found: list[Union[_lookup.Rows, _lookup.Aggregate]],
    ) -> _Piece:
        """What one piece of a batch found, verified and decoded, on the thread that looked it up."""
        blocks, rows = _lookup.sorted_out(found, lambda keys: _lookup.by_rows(connection, namespace_id, keys, stale_before))
        opened = self._opened(ns, namespace_id, rows) if rows.digests else {}
        stale = rows.stale
        for block in blocks:
            opened.update(self._opened_block(ns, block))
            stale += block.stale
        return _Piece(opened, stale, _lookup.wide(rows))

    def _opened(self, ns: Namespace, namespace_id: int, found: _lookup.Rows) -> dict[bytes, Any]:
        """The entries found, verified and decoded: tensors, or ``_CORRUPT`` (logged)."""
        opened: dict[bytes, Any] = {}
        checksum = self._checksum(ns)
        decoder = self._decoder()
        digests, payloads, expected = found.digests, found.payloads, found.checksums
        inline = [payload is not None for payload in payloads]
        if not all(inline):
            for key, payload, stored in zip(digests, payloads, expected):
                if payload is None:
                    opened[key] = self._side_file_record(ns, namespace_id, key, stored, checksum, decoder)
            digests, payloads, expected = (list(itertools.compress(values, inline)) for values in (digests, payloads, expected))
        sums = checksum.checksums(payloads, digests)
        if sums != expected:
            good = [self._verified(ns, key, value, stored) for key, value, stored in zip(digests, sums, expected)]
            opened.update((key, _CORRUPT) for key, ok in zip(digests, good) if not ok)
            digests, payloads = list(itertools.compress(digests, good)), list(itertools.compress(payloads, good))
        for key, payload, tensors in zip(digests, payloads, decoder.decode_many(payloads)):
            opened[key] = tensors if tensors is not None else self._undecodable(ns, key, payload)
        return opened

    def _opened_block(self, ns: Namespace, block: _lookup.Block) -> dict[bytes, Any]:
        """The records of a block, verified and decoded in place: tensors, or ``_CORRUPT`` (logged)."""
        sums = self._checksum(ns).stacked_checksums(block.payloads, block.digests).tolist()
        decoded = self._decoder().decode_stacked(block.payloads)
        opened: dict[bytes, Any] = dict(zip(block.digests, decoded))
        if sums != block.checksums:
            for key, value, stored in zip(block.digests, sums, block.checksums):
                if not self._verified(ns, key, value, stored):
                    opened[key] = _CORRUPT
        if None in decoded:
            for index, key in enumerate(block.digests):
                if opened[key] is None:
                    opened[key] = self._undecodable(ns, key, memoryview(block.payloads[index]))
        return opened

    def _side_file_record(
        self,
        ns: Namespace,
        namespace_id: int,
        key: bytes,
        expected: int,
        checksum: RecordChecksum,
        decoder: _codec.Decoder,
    ) -> Any:
        """A side file's record, verified and mapped; ``_CORRUPT`` (logged) when it is not right."""
        view = _sidefiles.read(os.path.join(self.side_file_folder, _sidefiles.name(namespace_id, key, expected)))
        if view is None:
            logger.warning(
                "embcache: the side file of the record %s in namespace %s is missing or unreadable; "
                "treated as a miss",
                key.hex(),
                _description(ns),
            )
            return _CORRUPT
        if not self._verified(ns, key, checksum.checksum(view, key), expected):
            return _CORRUPT
        tensors = decoder.decode(view)
        return tensors if tensors is not None else self._undecodable(ns, key, view)

    def _decoder(self) -> _codec.Decoder:
        decoder = getattr(self._local, "decoder", None)
        if decoder is None:
            decoder = self._local.decoder = _codec.Decoder()
        return decoder

    @staticmethod
    def _verified(ns: Namespace, key: bytes, value: int, expected: int) -> bool:
        """Whether a record's checksum is the one stored; a mismatch is logged."""
        if value == expected:
            return True
        logger.warning(
            "embcache: the record %s in namespace %s fails its checksum; treated as a miss",
            key.hex(),
            _description(ns),
        )
        return False

    @staticmethod
    def _undecodable(ns: Namespace, key: bytes, payload: Union[bytes, memoryview]) -> Any:
        """``_CORRUPT``, for a verified record that did not decode, logged (naming a newer format)."""
        version = bytes(payload[:4])
        newer = version[:3] == b"ECR" and version[3:].isdigit() and int(version[3:]) > int(_codec.MAGIC[3:])
        logger.warning(
            "embcache: the record %s in namespace %s %s; treated as a miss",
            key.hex(),
            _description(ns),
            "is in a newer record format" if newer else "is malformed",
        )
        return _CORRUPT

    def _touch(self, rowids: list[int]) -> None:
        """Gives entries read with an old last use the current time; best effort, as in Swift."""
        connection = self._connection()
        now = _now_ms()
        try:
            with self._write(connection):
                connection.executemany(
                    "UPDATE entry SET last_used = ? WHERE rowid = ? AND last_used < ?",
                    [(now, rowid, now - _TOUCH_INTERVAL_MS) for rowid in rowids],
                )
        except (sqlite3.Error, StoreFailedError):
            pass

    def stats(self) -> dict[str, Any]:
        """Entries and payload bytes per namespace, as ``embcache stats --json`` reports them:
        without the store's own bookkeeping (the namespaces ``embcache precompute`` resolved).

        Returns:
            ``{"store", "disk_bytes", "entries", "bytes", "namespaces": [{"model",
            "preprocessing", "storage", "entries", "bytes"}, …]}``, namespaces sorted.

        Raises:
            StoreFailedError: The store cannot be read.
        """
        try:
            rows = self._connection().execute(
                "SELECT n.model, n.preprocessing, n.storage, e.count, e.bytes FROM ("
                " SELECT namespace_id AS id, count(*) AS count, sum(size) AS bytes FROM entry GROUP BY namespace_id"
                ") AS e JOIN namespace AS n ON n.id = e.id"
            ).fetchall()
        except sqlite3.OperationalError as error:
            if not _not_created_yet(error):
                raise StoreFailedError(f"cannot read the embcache store at {self.path}: {error}") from error
            rows = []
        except sqlite3.Error as error:
            raise StoreFailedError(f"cannot read the embcache store at {self.path}: {error}") from error
        bookkeeping = dataclasses.astuple(ENCODER_NAMESPACES)
        namespaces = sorted(
            (
                {"model": m, "preprocessing": p, "storage": s, "entries": count, "bytes": size}
                for m, p, s, count, size in rows
                if (m, p, s) != bookkeeping
            ),
            key=lambda n: f"{n['model']} | {n['preprocessing']} | {n['storage']}",
        )
        disk = sum(_file_size(path) for path in (self.path, self.path + "-wal"))
        if os.path.isdir(self.side_file_folder):
            disk += sum(_file_size(entry.path) for entry in os.scandir(self.side_file_folder))
        return {
            "store": self.path,
            "disk_bytes": disk,
            "entries": sum(n["entries"] for n in namespaces),
            "bytes": sum(n["bytes"] for n in namespaces),
            "namespaces": namespaces,
        }

    # Writes ------------------------------------------------------------------------------------

    def _write(self, connection: sqlite3.Connection) -> _WriteTransaction:
        if not self.writable:
            raise ReadOnlyError(f"the embcache store at {self.path} was opened read-only; use writable=True")
        return _WriteTransaction(connection, self.path)

    def put(self, ns: Namespace, digest: Digest, tensors: Mapping[str, Any]) -> None:
        """Stores one record, replacing any stored under the same key.

        Float tensors are down-cast as the namespace's storage policy says. The record is
        checksummed, a large one (1 MiB or more) written to a side file first, and the row
        committed in one write transaction that also ends every lease on the key.

        Args:
            ns: The namespace.
            digest: The content digest (32 bytes or 64 hex digits).
            tensors: Names to arrays, in record order.

        Raises:
            ReadOnlyError: The cache was opened read-only.
            InvalidArgumentError: The digest or a tensor cannot be stored.
            StoreFailedError: The store cannot be written (then nothing is stored).
        """
        self._put_many(ns, [(digest_bytes(digest), tensors)])

    def _put_many(self, ns: Namespace, records: list[tuple[bytes, Mapping[str, Any]]]) -> None:
        """Stores records in one write transaction, following the Swift store's side-file rules."""
        if not self.writable:
            raise ReadOnlyError(f"the embcache store at {self.path} was opened read-only; use writable=True")
        checksum = self._checksum(ns)
        sealed: dict[bytes, tuple[bytes, int]] = {}
        for key, tensors in records:
            payload = _codec.encode(apply_policy(tensors, ns.storage))
            sealed[key] = (payload, checksum.checksum(payload, key))
        namespace_id = self._create_namespace_id(ns)
        folder = self.side_file_folder
        large = {
            key: _sidefiles.name(namespace_id, key, value)
            for key, (payload, value) in sealed.items()
            if len(payload) >= _sidefiles.THRESHOLD
        }
        for key, file_name in large.items():
            _sidefiles.store(folder, file_name, sealed[key][0])
        if large:
            _sidefiles.sync_directory(folder)
        connection = self._connection()
        removal = _sidefiles.Removal(folder)
        now = _now_ms()
        try:
            with self._write(connection):
                # A prune, clear or repair may have removed a file of ours since: put it back
                # before the row that references it commits.
                restored = False
                for key, file_name in large.items():
                    if not os.path.exists(os.path.join(folder, file_name)):
                        _sidefiles.store(folder, file_name, sealed[key][0])
                        restored = True
                if restored:
                    _sidefiles.sync_directory(folder)
                replaced = []
                for key, (payload, value) in sealed.items():
                    side_file = large.get(key)
                    previous = connection.execute(_SIDE_FILE_CHECKSUM_SQL, (namespace_id, key)).fetchone()
                    if previous is not None:
                        old = _sidefiles.name(namespace_id, key, previous[0] & 0xFFFFFFFF)
                        if old != side_file:
                            replaced.append(old)
                    stored = None if side_file else payload
                    connection.execute(_UPSERT_SQL, (namespace_id, key, stored, len(payload), value, now))
                    connection.execute("DELETE FROM claim WHERE namespace_id = ?1 AND digest = ?2", (namespace_id, key))
                removal.move_aside(replaced)
        except BaseException:
            removal.undo()
            raise
        removal.finish()

    # Leases ------------------------------------------------------------------------------------

    def _lease_holder(self) -> tuple[int, bytes]:
        """This cache's holder id in this process (a forked worker is a new holder)."""
        if self._holder is None or self._holder[0] != os.getpid():
            self._holder = (os.getpid(), secrets.token_bytes(16))
        return self._holder

    def _claim(self, namespace_id: int, keys: list[bytes]) -> set[bytes]:
        """Claims keys for this holder in one write transaction; returns those granted."""
        connection = self._connection()
        _, holder = self._lease_holder()
        granted = set()
        with self._write(connection):
            now = _now_ms()
            connection.execute("DELETE FROM claim WHERE expires <= ?1", (now,))
            expires = now + max(1, int(self.lease_seconds * 1000))
            arguments = (holder, expires, socket.gethostname(), os.getpid())
            for key in sorted(set(keys)):
                if connection.execute(_CLAIM_SQL, (namespace_id, key, *arguments)).fetchall():
                    granted.add(key)
        return granted

    def _release(self, namespace_id: int, keys: Iterable[bytes]) -> None:
        """Releases leases this holder holds on keys (ignoring those it does not hold)."""
        connection = self._connection()
        _, holder = self._lease_holder()
        with self._write(connection):
            connection.executemany(
                "DELETE FROM claim WHERE namespace_id = ?1 AND digest = ?2 AND holder = ?3",
                [(namespace_id, key, holder) for key in set(keys)],
            )

    def get_or_compute(
        self,
        ns: Namespace,
        inputs: Sequence[Input],
        encode_fn: Callable[[list[Input]], Any],
        batch_size: int = 64,
    ) -> list[Tensors]:
        """Returns every input's record, encoding only the misses, each distinct input once.

        Inputs are digested (bytes as they are, a text as its UTF-8 bytes, a tuple of parts by
        its composite digest) and looked up in one read. Misses are claimed in the store's
        ``claim`` table, so processes sharing the store (Python or the Swift command line) encode
        each new input once, and are passed to ``encode_fn`` in batches of ``batch_size``; each
        batch is validated and stored in its own transaction as soon as it returns, so an
        interrupted run keeps every finished batch. Keys another process holds are waited for and
        read once it stores them (or taken over when its lease ends). A corrupt record is encoded
        again and overwritten.

        Args:
            ns: The namespace the encoder's records belong to.
            inputs: The inputs, in order; repeats are encoded once.
            encode_fn: Called with a list of inputs; returns one record per input, in order:
                a mapping of names to arrays, or an array whose rows are the inputs' records
                (stored as one tensor named ``embedding``).
            batch_size: The most inputs per ``encode_fn`` call.

        Returns:
            One record per input, in input order.

        Raises:
            ReadOnlyError: The cache was opened read-only.
            InvalidArgumentError: ``encode_fn`` returned the wrong count, a non-finite float or a
                tensor that cannot be stored (nothing of that batch is stored).
            StoreFailedError: The store cannot be read or written.
        """
        if not self.writable:
            raise ReadOnlyError(f"the embcache store at {self.path} was opened read-only; use writable=True")
        if batch_size < 1:
            raise InvalidArgumentError(f"batch_size must be at least 1, got {batch_size}")
        keys = [_input_digest(value) for value in inputs]
        first: dict[bytes, Input] = {}
        for key, value in zip(keys, inputs):
            first.setdefault(key, value)
        results: dict[bytes, Tensors] = {}
        corrupt, absent = self._look_up_into(ns, list(first), results)
        encode = _Encoder(self, ns, first, encode_fn, batch_size, results)
        encode(corrupt)
        if absent:
            namespace_id = self._create_namespace_id(ns)
            poll = min(max(self.lease_seconds / 50, 0.01), 0.2)
            waiting = self._encode_claimed(namespace_id, absent, encode)
            while waiting:
                time.sleep(poll)
                corrupt, absent = self._look_up_into(ns, waiting, results)
                encode(corrupt)
                waiting = self._encode_claimed(namespace_id, absent, encode)
        return [results[key] for key in keys]

    def _look_up_into(
        self, ns: Namespace, keys: list[bytes], results: dict[bytes, Tensors]
    ) -> tuple[list[bytes], list[bytes]]:
        """Adds the records found to ``results``; returns the corrupt keys and the absent ones."""
        corrupt, absent = [], []
        for key, record in zip(keys, self._lookup(ns, keys)[0]):
            if record is _CORRUPT:
                corrupt.append(key)
            elif record is None:
                absent.append(key)
            else:
                results[key] = record
        return corrupt, absent

    def _encode_claimed(self, namespace_id: int, keys: list[bytes], encode: _Encoder) -> list[bytes]:
        """Claims keys in chunks, encodes those granted, and returns those another holder has."""
        waiting = []
        size = encode.batch_size * 4
        for start in range(0, len(keys), size):
            chunk = keys[start : start + size]
            granted = self._claim(namespace_id, chunk)
            mine = [key for key in chunk if key in granted]
            waiting += [key for key in chunk if key not in granted]
            try:
                encode(mine, renew=lambda held: self._claim(namespace_id, held))
            finally:
                self._release(namespace_id, mine)
        return waiting


class _Encoder:
    """Encodes keys in batches for :meth:`Cache.get_or_compute`, storing each batch."""

    def __init__(
        self,
        cache: Cache,
        ns: Namespace,
        inputs: dict[bytes, Input],
        encode_fn: Callable[[list[Input]], Any],
        batch_size: int,
        results: dict[bytes, Tensors],
    ) -> None:
        self.cache, self.ns, self.inputs, self.encode_fn = cache, ns, inputs, encode_fn
        self.batch_size, self.results = batch_size, results

    def __call__(self, keys: list[bytes], renew: Optional[Callable[[list[bytes]], Any]] = None) -> None:
        with _LeaseRenewal(renew, self.cache.lease_seconds / 3) as leases:
            for start in range(0, len(keys), self.batch_size):
                batch = keys[start : start + self.batch_size]
                leases.held = keys[start:]
                produced = self.encode_fn([self.inputs[key] for key in batch])
                records = _records(produced, len(batch))
                self.cache._put_many(self.ns, list(zip(batch, records)))
                for key, record in zip(batch, records):
                    self.results[key] = _stored_view(record, self.ns.storage)


class _LeaseRenewal:
    """Renews the leases on the keys still to store every ``interval`` seconds, on a thread of its
    own, so that one ``encode_fn`` call longer than the lease does not let another holder take
    the keys over. A renewal that fails is logged and costs at most a second encoding elsewhere.
    """

    def __init__(self, renew: Optional[Callable[[list[bytes]], Any]], interval: float) -> None:
        self.renew, self.interval = renew, interval
        #: The keys whose leases are renewed: those not stored yet.
        self.held: list[bytes] = []
        self._stopped = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def __enter__(self) -> "_LeaseRenewal":
        if self.renew is not None:
            self._thread = threading.Thread(target=self._run, name="embcache-lease-renewal", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exception: object) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            held = list(self.held)
            if not held or self.renew is None:
                continue
            try:
                self.renew(held)
            except Exception:  # noqa: BLE001 - a lost renewal costs a second encoding, not a wrong record
                logger.warning("embcache: could not renew the leases of %d keys", len(held), exc_info=True)


def _records(produced: Any, count: int) -> list[Mapping[str, Any]]:
    """Validates what ``encode_fn`` returned: ``count`` records of finite tensors."""
    if isinstance(produced, np.ndarray):
        records: list[Any] = [{"embedding": row} for row in produced]
    else:
        records = [value if isinstance(value, Mapping) else {"embedding": value} for value in produced]
    if len(records) != count:
        raise InvalidArgumentError(f"encode_fn returned {len(records)} records for {count} inputs")
    for index, record in enumerate(records):
        for name, value in record.items():
            array = np.asarray(value)
            if array.dtype.kind == "f" or array.dtype.name == "bfloat16":
                if not np.all(np.isfinite(array.astype(np.float32, copy=False))):
                    raise InvalidArgumentError(
                        f"encode_fn returned a non-finite value in tensor {name!r} of input {index} of its batch"
                    )
    return records


def _stored_view(record: Mapping[str, Any], storage: str) -> Tensors:
    """The record as a read of it returns it: the stored dtypes, read-only."""
    tensors = apply_policy(record, storage)
    result = {}
    for name, value in tensors.items():
        array = np.array(value, copy=True)
        array.flags.writeable = False
        result[name] = array
    return result


def _input_digest(value: Input) -> bytes:
    if isinstance(value, str):
        return digest(value.encode())
    if isinstance(value, tuple):
        return composite_digest(part.encode() if isinstance(part, str) else part for part in value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return digest(value)
    raise InvalidArgumentError(
        f"an input is bytes, a text or a tuple of parts, not {type(value).__name__}"
    )


class _WriteTransaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on an exception), errors naming the store."""

    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self.connection, self.path = connection, path

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise StoreFailedError(f"cannot write the embcache store at {self.path}: {error}") from error
        return self.connection

    def __exit__(self, kind: Any, error: Any, _: Any) -> None:
        if kind is None:
            try:
                self.connection.execute("COMMIT")
                return
            except sqlite3.Error as failure:
                self.connection.execute("ROLLBACK")
                raise StoreFailedError(f"cannot write the embcache store at {self.path}: {failure}") from failure
        self.connection.execute("ROLLBACK")
        if isinstance(error, sqlite3.Error):
            raise StoreFailedError(f"cannot write the embcache store at {self.path}: {error}") from error


def _not_created_yet(error: sqlite3.OperationalError) -> bool:
    """Whether a read failed because the store's tables are not created yet (a new, empty file)."""
    return "no such table" in str(error)


def _process_alive(pid: Any) -> bool:
    """Whether the process with this id exists on this host (another user's counts as alive)."""
    if not isinstance(pid, int) or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _description(ns: Namespace) -> str:
    return f"{ns.model} | {ns.preprocessing} | {ns.storage}"


def _file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _now_ms() -> int:
    return int(time.time() * 1000)


# Connections a forked process inherited, kept open and unused for as long as it lives.
_inherited: list[sqlite3.Connection] = []

# A record that exists but failed its checksum or decoding.
_CORRUPT: Any = object()


class _Piece(NamedTuple):
    """One piece of a batch, verified and decoded by the thread that looked it up."""

    #: Its records by key: tensors, or ``_CORRUPT``.
    opened: dict[bytes, Any]
    #: The rowids of its entries whose last use is to be recorded.
    stale: list[int]
    #: Whether its inline records were large on average (``_lookup.wide``).
    wide: bool


# Verifies and decodes what a piece's lookup found, given the connection that found it.
_Finish = Callable[[sqlite3.Connection, list[Union[_lookup.Rows, _lookup.Aggregate]]], _Piece]
