"""Batch lookups: each piece of a batch in one SQLite statement, large batches' pieces on threads.

A statement that returned one row per key would cost Python a row of objects per key and hand the
interpreter lock back and forth at every row. Here a piece's keys are looked up by one statement
that aggregates what it finds into one row, in the order the keys were asked (the inline payloads
end to end, a status per key, the checksums), so SQLite does a whole piece's work in one step,
without the lock. The pieces of a large batch are looked up by several threads at once, as the
Swift store splits a batch across the cores, and each thread verifies and decodes the pieces it
looked up while the others' statements run. A few keys, and records so large that a row's cost is
nothing beside their bytes, are read a row per entry instead.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple, Optional, TypeVar, Union

import numpy as np

# A batch of at least this many keys is split across threads (as Swift's LookupSplit.threshold).
SPLIT_THRESHOLD = 256
# Threads that look a large batch up, the calling one included.
_PARTS = max(1, min(4, os.cpu_count() or 1))
# Inline payloads of at least this many bytes are read by a second statement, a row each, not in
# the aggregate: past a few pages, the copies the aggregate makes of a payload cost more than the
# row saves.
_AGGREGATED_BELOW = 16 << 10
# Keys per statement: below SQLite's bound-parameter limit (999 before SQLite 3.32), and with
# `_AGGREGATED_BELOW`, at most 4 MiB of payloads in one value.
_CHUNK = 256

# One row per key asked, in the order asked: the keys are the rows of a VALUES list, which a LEFT
# JOIN keeps as the outer loop, so each list below holds the keys' entries in that order (the
# status list one element per key, -3 for a miss; the checksum list one per entry found), and no
# digest needs to come back. Each record's checksum covers its digest (docs/format.md), so a
# record that were ever paired with another key would fail its checksum, never be served.
#
# The database's text encoding is UTF-8 (docs/format.md), so group_concat keeps a blob's bytes as
# they are, and the cast gives them back as a blob. A damaged store's row whose payload, size or
# checksum is not what it should be (text, a number, a wrong size) makes the lists disagree:
# `sorted_out` then rereads that chunk a row per entry, where such values fail their checksums.
_AGGREGATE_SQL = """
WITH asked(digest) AS (VALUES {})
SELECT CAST(group_concat(CASE WHEN e.size < ?1 THEN e.payload END, '') AS BLOB),
    group_concat(CASE WHEN e.rowid IS NULL THEN -3 WHEN e.payload IS NULL THEN -1 WHEN e.size < ?1 THEN e.size ELSE -2 END),
    group_concat(e.checksum),
    group_concat(CASE WHEN e.size >= ?1 THEN e.rowid END),
    group_concat(CASE WHEN e.last_used < ?2 THEN e.rowid END)
FROM asked LEFT JOIN entry AS e ON e.namespace_id = ?3 AND e.digest = asked.digest
"""
# The statement's text for each number of keys, its VALUES rows numbered from ?4.
_aggregate_sql: dict[int, str] = {}


def _aggregate_statement(count: int) -> str:
    sql = _aggregate_sql.get(count)
    if sql is None:
        sql = _aggregate_sql[count] = _AGGREGATE_SQL.format(",".join(f"(?{number})" for number in range(4, 4 + count)))
    return sql


class Rows(NamedTuple):
    """What a lookup found, one element per entry in each list but ``stale``."""

    #: The entries' digests.
    digests: list[bytes]
    #: Their inline payloads; ``None`` for a payload in a side file.
    payloads: list[Optional[Union[bytes, memoryview]]]
    #: Their stored checksums (32 bits).
    checksums: list[int]
    #: The rowids of the entries whose last use is older than asked.
    stale: list[int]


class Aggregate(NamedTuple):
    """One statement's aggregate row, and the payloads too large for it."""

    #: Inline payloads, statuses (sizes), checksums, rowids of the large payloads, stale rowids.
    row: tuple
    #: The large payloads by rowid, each with its row's checksum when it was read.
    large: dict[int, tuple[bytes, int]]
    #: The keys the statement looked up.
    keys: list[bytes]


# Up to this many keys are looked up a row per entry (:func:`by_rows`): for a few keys its smaller
# fixed cost outweighs the aggregate's savings per entry.
FEW = 16

_ROWS_SQL = (
    "SELECT digest, CAST(payload AS BLOB), CAST(checksum AS INTEGER), rowid, last_used < ?1 FROM entry "
    "WHERE namespace_id = ?2 AND digest IN ({})"
)


def _in_chunks(connection: sqlite3.Connection, keys: list[bytes], read: Callable[[list[bytes]], None]) -> None:
    """Calls ``read`` with each ``_CHUNK`` keys, all in one read transaction when there are several."""
    several = len(keys) > _CHUNK
    if several:
        connection.execute("BEGIN")
    try:
        for start in range(0, len(keys), _CHUNK):
            read(keys[start : start + _CHUNK])
    finally:
        if several:
            connection.execute("COMMIT")


def by_rows(connection: sqlite3.Connection, namespace_id: int, keys: list[bytes], stale_before: int) -> Rows:
    """Looks ``keys`` up in one read transaction, a row per entry: for a few keys, or for records
    so large that a row's cost is nothing beside their bytes (see :func:`by_aggregate`)."""
    found = Rows([], [], [], [])

    def read(chunk: list[bytes]) -> None:
        statement = _ROWS_SQL.format(",".join("?" * len(chunk)))
        for digest, payload, checksum, rowid, stale in connection.execute(statement, (stale_before, namespace_id, *chunk)):
            found.digests.append(digest)
            found.payloads.append(payload)
            found.checksums.append(checksum)
            if stale:
                found.stale.append(rowid)

    _in_chunks(connection, keys, read)
    return found


def by_aggregate(
    connection: sqlite3.Connection, namespace_id: int, keys: list[bytes], stale_before: int
) -> list[Aggregate]:
    """Looks ``keys`` up in one read transaction on ``connection``, doing as little as it can
    while holding the interpreter lock (:func:`sorted_out` reads the result).

    Args:
        connection: A connection no other thread is using.
        namespace_id: The namespace's row id.
        keys: Distinct 32-byte digests.
        stale_before: Entries last used before this (milliseconds) are listed as stale.

    Returns:
        One aggregate per statement.

    Raises:
        sqlite3.Error: The store cannot be read.
    """
    found = []

    def read(chunk: list[bytes]) -> None:
        row = connection.execute(
            _aggregate_statement(len(chunk)), (_AGGREGATED_BELOW, stale_before, namespace_id, *chunk)
        ).fetchone()
        # A row deleted since the aggregate read it is absent: then a miss, as a moment later.
        rowids = _integers(row[3])
        large_sql = _LARGE_PAYLOADS_SQL.format(",".join("?" * len(rowids)))
        large = {rowid: (payload, checksum) for rowid, payload, checksum in connection.execute(large_sql, rowids)} if rowids else {}
        found.append(Aggregate(row, large, chunk))

    _in_chunks(connection, keys, read)
    return found


_LARGE_PAYLOADS_SQL = (
    "SELECT rowid, CAST(payload AS BLOB), CAST(checksum AS INTEGER) FROM entry "
    "WHERE payload IS NOT NULL AND rowid IN ({})"
)


class Block(NamedTuple):
    """Inline records of one size that one statement found, end to end in the buffer SQLite gave."""

    #: The entries' digests.
    digests: list[bytes]
    #: Their payloads, one per row (a read-only ``uint8`` array over that buffer).
    payloads: np.ndarray
    #: Their stored checksums (32 bits).
    checksums: list[int]
    #: The rowids of the entries whose last use is older than asked.
    stale: list[int]


def sorted_out(found: list[Union[Rows, Aggregate]], reread: Callable[[list[bytes]], Rows]) -> tuple[list[Block], Rows]:
    """The entries of what :func:`by_aggregate` and :func:`by_rows` found: the blocks of the
    aggregates whose records are all inline and of one size, and every other entry in one
    :class:`Rows`.

    Args:
        found: What the lookups returned.
        reread: Looks keys up a row per entry (:func:`by_rows`), for an aggregate whose lists
            disagree (only a damaged store's values make them).
    """
    blocks = []
    result = Rows([], [], [], [])
    for part in found:
        if isinstance(part, Aggregate):
            try:
                unpacked = _unpack(part)
            except (ValueError, _Disagreement):
                unpacked = reread(part.keys)
            if isinstance(unpacked, Block):
                blocks.append(unpacked)
                continue
            part = unpacked
        for mine, theirs in zip(result, part):
            mine.extend(theirs)
    return blocks, result


class _Disagreement(Exception):
    """An aggregate's lists disagree in length, or one is missing."""


def _unpack(aggregate: Aggregate) -> Union[Block, Rows]:
    """The entries of one aggregate: a :class:`Block` when its records are all inline and of one
    size, else :class:`Rows`. Raises ``_Disagreement`` or ``ValueError`` when its lists disagree
    or hold what is not a number."""
    inline, statuses, checksums, large, stale = aggregate.row
    if not isinstance(statuses, str):
        raise _Disagreement
    inline = inline or b""
    keys: list[bytes] = aggregate.keys
    sizes: Optional[list[int]] = None
    # Every key found, every record inline and of one size (the common case): no list to parse.
    size = statuses.partition(",")[0]
    if not (size.isdigit() and size != "0" and len(inline) == int(size) * len(keys) and statuses == ",".join([size] * len(keys))):
        sizes = _integers(statuses)
        if len(sizes) != len(keys):
            raise _Disagreement
        found = [size != -3 for size in sizes]
        keys, sizes = list(itertools.compress(keys, found)), list(itertools.compress(sizes, found))
    checksums = _integers(checksums)
    if len(checksums) != len(keys):
        raise _Disagreement
    if not keys:
        return Rows([], [], [], [])
    if sizes is not None and not (min(sizes) == max(sizes) > 0 and len(inline) == sizes[0] * len(keys)):
        return _rows_of(keys, memoryview(inline), sizes, checksums, _integers(large), aggregate.large, _integers(stale))
    return Block(keys, np.frombuffer(inline, np.uint8).reshape(len(keys), -1), checksums, _integers(stale))


def _integers(listed: Optional[str]) -> list[int]:
    """The integers of a ``group_concat`` list (``None`` when it aggregated nothing)."""
    return list(map(int, listed.split(","))) if listed else []


def _rows_of(
    keys: list[bytes],
    inline: memoryview,
    sizes: list[int],
    checksums: list[int],
    large_rowids: list[int],
    large: dict[int, tuple[bytes, int]],
    stale: list[int],
) -> Rows:
    """The entries of an aggregate whose records are not all inline and of one size (``sizes``
    holds -1 for a side file's, -2 for a payload read by rowid into ``large``)."""
    ends = list(itertools.accumulate(max(size, 0) for size in sizes))
    if ends[-1] != len(inline):
        raise _Disagreement
    payloads: list[Optional[Union[bytes, memoryview]]] = list(map(inline.__getitem__, map(slice, [0, *ends[:-1]], ends)))
    in_large = iter(large_rowids)
    kept = []
    for index, size in enumerate(sizes):
        if size == -1:
            payloads[index] = None
        elif size == -2:
            payload, checksum = large.get(next(in_large, -1), (None, None))
            if checksum != checksums[index]:
                continue  # Replaced since the aggregate read it: a miss, as a moment later.
            payloads[index] = memoryview(payload)
        kept.append(index)
    return Rows([keys[i] for i in kept], [payloads[i] for i in kept], [checksums[i] for i in kept], stale)


def wide(found: Rows) -> bool:
    """Whether the inline records found (the first 16 of them) are large on average: then a
    lookup of their namespace reads better a row per entry (:func:`by_rows`)."""
    sizes = list(itertools.islice((len(payload) for payload in found.payloads if payload is not None), 16))
    return bool(sizes) and sum(sizes) >= _AGGREGATED_BELOW * len(sizes)


# Pieces per thread a large batch is cut into.
PIECES_PER_THREAD = 4


class Pieces:
    """The pieces a batch of distinct keys is looked up in, handed to whichever thread asks next.

    A batch below ``SPLIT_THRESHOLD`` keys is one piece. A larger one is cut into four pieces per
    thread, so that a thread slowed by other work takes fewer of them rather than holding up the
    batch with its share (as the Swift store splits a batch across the cores).
    """

    def __init__(self, keys: list[bytes]) -> None:
        count = 1 if len(keys) < SPLIT_THRESHOLD or _PARTS == 1 else PIECES_PER_THREAD * _PARTS
        size = -(-len(keys) // count) if keys else 1
        self._pieces = [keys[start : start + size] for start in range(0, len(keys), size)]
        self._next = 0
        self._lock = threading.Lock()

    @property
    def several(self) -> bool:
        """Whether there is more than one piece (then other threads should help)."""
        return len(self._pieces) > 1

    def take(self) -> Optional[list[bytes]]:
        """The next piece nobody has taken, or ``None``."""
        with self._lock:
            if self._next == len(self._pieces):
                return None
            self._next += 1
            return self._pieces[self._next - 1]


Finished = TypeVar("Finished")


def drain(
    connection: sqlite3.Connection,
    namespace_id: int,
    pieces: Pieces,
    stale_before: int,
    by_row: bool,
    finish: Callable[[sqlite3.Connection, list[Union[Rows, Aggregate]]], Finished],
) -> list[Finished]:
    """Looks pieces up on ``connection`` until none is left (with :func:`by_aggregate`, or with
    :func:`by_rows` when ``by_row``), and hands what each piece found to ``finish`` on this
    thread, before taking the next piece.

    A thread verifying and decoding its piece holds the interpreter lock while the others'
    statements run without it, so each thread's Python work overlaps the others' SQLite work.

    Returns:
        What ``finish`` returned for each piece, in the order they were taken.
    """
    finished = []
    piece = pieces.take()
    while piece is not None:
        if by_row:
            found = [by_rows(connection, namespace_id, piece, stale_before)]
        else:
            found = by_aggregate(connection, namespace_id, piece, stale_before)
        finished.append(finish(connection, found))
        piece = pieces.take()
    return finished


class Threads:
    """The threads that help look up the pieces of large batches, started at the first such batch.

    A process forked from one that has them starts its own (threads do not survive ``fork``).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: Optional[tuple[int, ThreadPoolExecutor]] = None

    @staticmethod
    def helpers() -> int:
        """How many lookup threads help the calling one with a large batch."""
        return _PARTS - 1

    def executor(self) -> ThreadPoolExecutor:
        """This process's executor."""
        with self._lock:
            if self._executor is None or self._executor[0] != os.getpid():
                pool = ThreadPoolExecutor(max_workers=_PARTS - 1, thread_name_prefix="embcache-lookup")
                self._executor = (os.getpid(), pool)
            return self._executor[1]

    def after_fork(self) -> None:
        """Forgets the parent's lock (another thread may have held it at the fork)."""
        self._lock = threading.Lock()


THREADS = Threads()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=THREADS.after_fork)
