"""Reads and writes through the package alone: round trips, errors, side files, get_or_compute."""

from __future__ import annotations

import logging
import mmap
import multiprocessing
import os
import pathlib
import sqlite3
import threading
from typing import Any

import ml_dtypes
import numpy as np
import pytest

import embcache
from embcache import _checksum, _codec, _schema

NS = embcache.Namespace("test/model@1", "identity")


@pytest.fixture()
def store(tmp_path: pathlib.Path) -> pathlib.Path:
    return tmp_path / "cache.sqlite"


def test_every_dtype_round_trips(store: pathlib.Path) -> None:
    tensors = {
        "f32": np.array([1.5, -2.0], np.float32),
        "f16": np.array([[1, 2], [3, 4]], np.float16),
        "bf16": np.array([1.0, -0.5], ml_dtypes.bfloat16),
        "f64": np.array([0.25]),
        "i64": np.array(7, np.int64),
        "i32": np.array([-1], np.int32),
        "i16": np.array([2], np.int16),
        "i8": np.array([-3], np.int8),
        "u8": np.array([255], np.uint8),
        "mask": np.array([True, False, True]),
        "big_endian": np.array([1.0, 2.0], ">f4"),
    }
    with embcache.open(store, writable=True) as cache:
        cache.put(NS, embcache.digest(b"x"), tensors)
    [record] = embcache.open(store).get(NS, [embcache.digest(b"x").hex()])
    assert record is not None and list(record) == list(tensors)
    for name, array in tensors.items():
        assert record[name].shape == array.shape
        assert record[name].dtype == array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
        assert np.array_equal(record[name], array)
        assert not record[name].flags.writeable


def test_misses_and_order(store: pathlib.Path) -> None:
    cache = embcache.open(store, writable=True)
    for text in ("a", "b"):
        cache.put(NS, embcache.digest(text.encode()), {"embedding": np.array([ord(text)], np.float32)})
    keys = [embcache.digest(text.encode()) for text in ("b", "zzz", "a", "b")]
    found = cache.get(NS, keys)
    assert [None if r is None else float(r["embedding"][0]) for r in found] == [98.0, None, 97.0, 98.0]
    many = cache.get_many(NS, keys)
    assert [None if r is None else float(r["embedding"][0]) for r in many] == [98.0, None, 97.0, 98.0]


def test_large_records_are_mapped_from_their_side_file(store: pathlib.Path) -> None:
    latents = np.random.default_rng(1).standard_normal((16, 256, 256)).astype(np.float16)
    with embcache.open(store, writable=True) as cache:
        cache.put(NS, embcache.digest(b"large"), {"latents": latents})
    files = os.listdir(str(store) + ".blobs")
    assert len(files) == 1
    [record] = embcache.open(store).get(NS, [embcache.digest(b"large")])
    assert record is not None and np.array_equal(record["latents"], latents)
    base: Any = record["latents"]
    while isinstance(base, np.ndarray) or isinstance(base, memoryview):
        base = base.base if isinstance(base, np.ndarray) else base.obj
    assert isinstance(base, mmap.mmap)


def test_a_large_record_is_verified_in_place_one_crc32c_per_chunk(
    store: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Format 3: each 1 MiB chunk of the mapped side file goes to CRC32C as it lies, never copied."""
    latents = np.random.default_rng(2).standard_normal(3 * (1 << 18) + 1000).astype(np.float32)  # 3 MiB + 4000 bytes
    with embcache.open(store, writable=True) as cache:
        cache.put(NS, embcache.digest(b"large"), {"latents": latents})
    [name] = os.listdir(str(store) + ".blobs")
    side_file = os.path.join(str(store) + ".blobs", name)
    with open(side_file, "rb") as file:
        assert file.read(4) == b"ECR3"
    summed: list[Any] = []
    crc = _checksum._crc

    def recording(data: Any, value: int = 0) -> int:
        summed.append(data)
        return crc(data, value)

    monkeypatch.setattr(_checksum, "_crc", recording)
    [record] = embcache.open(store).get(NS, [embcache.digest(b"large")])
    assert record is not None and np.array_equal(record["latents"], latents)
    chunks = [data for data in summed if len(data) > 64]
    size = os.path.getsize(side_file)
    assert [len(chunk) for chunk in chunks] == [1 << 20] * 3 + [size - (3 << 20)]
    assert all(isinstance(chunk, memoryview) and isinstance(chunk.obj, mmap.mmap) for chunk in chunks)


def test_a_writer_migrates_a_format_two_store_and_reads_its_records(store: pathlib.Path) -> None:
    """A store as embcache before format 3 left it: schema version 2, records of format 2."""
    with embcache.open(store, writable=True) as cache:
        cache.put(NS, embcache.digest(b"new"), {"e": np.ones(2, np.float32)})
    connection = sqlite3.connect(store)
    connection.execute("DELETE FROM grdb_migrations WHERE identifier = 'v3-record-format'")
    connection.execute("PRAGMA user_version = 2")
    payload = _codec.encode({"e": np.arange(3, dtype=np.float32)}, magic=b"ECR2")
    key = embcache.digest(b"old")
    connection.execute(
        "INSERT INTO entry (namespace_id, digest, payload, size, checksum, created, last_used) "
        "SELECT id, ?, ?, ?, ?, 0, 0 FROM namespace",
        (key, payload, len(payload), _checksum.RecordChecksum(NS).checksum(payload, key)),
    )
    connection.commit()
    [old] = embcache.open(store).get(NS, [key])
    assert old is not None and old["e"].tolist() == [0.0, 1.0, 2.0]
    embcache.open(store, writable=True).close()
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 3
    assert connection.execute("SELECT identifier FROM grdb_migrations ORDER BY rowid").fetchall()[-1] == (
        "v3-record-format",
    )


def test_a_damaged_side_file_is_a_logged_miss(store: pathlib.Path, caplog: pytest.LogCaptureFixture) -> None:
    with embcache.open(store, writable=True) as cache:
        cache.put(NS, embcache.digest(b"large"), {"latents": np.ones(1 << 19, np.float32)})
    [name] = os.listdir(str(store) + ".blobs")
    path = os.path.join(str(store) + ".blobs", name)
    with open(path, "r+b") as file:
        file.seek(1 << 20)
        file.write(b"\x01")
    with caplog.at_level(logging.WARNING, logger="embcache"):
        assert embcache.open(store).get(NS, [embcache.digest(b"large")]) == [None]
    assert "fails its checksum" in caplog.text
    os.unlink(path)
    with caplog.at_level(logging.WARNING, logger="embcache"):
        assert embcache.open(store).get(NS, [embcache.digest(b"large")]) == [None]
    assert "missing or unreadable" in caplog.text


def test_replacing_a_large_record_removes_its_old_side_file(store: pathlib.Path) -> None:
    cache = embcache.open(store, writable=True)
    cache.put(NS, embcache.digest(b"k"), {"x": np.zeros(1 << 19, np.float32)})
    cache.put(NS, embcache.digest(b"k"), {"x": np.ones(1 << 19, np.float32)})
    assert len(os.listdir(str(store) + ".blobs")) == 1
    cache.put(NS, embcache.digest(b"k"), {"x": np.ones(4, np.float32)})
    assert os.listdir(str(store) + ".blobs") == []
    [record] = cache.get(NS, [embcache.digest(b"k")])
    assert record is not None and record["x"].shape == (4,)


def test_storage_policies_down_cast(store: pathlib.Path) -> None:
    cache = embcache.open(store, writable=True)
    half = embcache.Namespace("m", "p", "float16")
    cache.put(half, embcache.digest(b"x"), {"e": np.array([1.0, 1e-3], np.float64), "n": np.array([3], np.int32)})
    [record] = cache.get(half, [embcache.digest(b"x")])
    assert record is not None and record["e"].dtype == np.float16 and record["n"].dtype == np.int32
    with pytest.raises(embcache.InvalidArgumentError, match="overflows"):
        cache.put(half, embcache.digest(b"y"), {"e": np.array([1e6], np.float32)})
    saturating = embcache.Namespace("m", "p", "float16-saturating")
    cache.put(saturating, embcache.digest(b"y"), {"e": np.array([1e6, -1e6], np.float32)})
    [record] = cache.get(saturating, [embcache.digest(b"y")])
    assert record is not None and record["e"].tolist() == [65504.0, -65504.0]


def test_errors_name_what_is_wrong(store: pathlib.Path, tmp_path: pathlib.Path) -> None:
    with pytest.raises(embcache.StoreNotFoundError, match="no embcache store"):
        embcache.open(store)
    embcache.open(store, writable=True).put(NS, embcache.digest(b"x"), {"e": np.ones(2, np.float32)})
    reader = embcache.open(store)
    with pytest.raises(embcache.UnknownNamespaceError, match="other/model"):
        reader.get(embcache.Namespace("other/model", "identity"), [embcache.digest(b"x")])
    with pytest.raises(embcache.ReadOnlyError):
        reader.put(NS, embcache.digest(b"y"), {"e": np.ones(2, np.float32)})
    with pytest.raises(embcache.InvalidArgumentError, match="64 hex digits"):
        reader.get(NS, ["abc"])
    with pytest.raises(embcache.InvalidArgumentError, match="storage policy"):
        embcache.Namespace("m", "p", "float8")
    with pytest.raises(embcache.InvalidArgumentError, match="never joined text"):
        reader.get("test/model@1 | identity | lossless", [embcache.digest(b"x")])  # type: ignore[arg-type]
    connection = sqlite3.connect(store)
    connection.execute(f"PRAGMA user_version = {_schema.SCHEMA_VERSION + 1}")
    connection.commit()
    with pytest.raises(embcache.StoreIncompatibleError, match="newer version of embcache"):
        embcache.open(store)
    foreign = tmp_path / "foreign.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)")
    with pytest.raises(embcache.StoreIncompatibleError, match="another application"):
        embcache.open(foreign)
    utf16 = sqlite3.connect(tmp_path / "utf16.sqlite")
    utf16.execute("PRAGMA encoding = 'UTF-16le'")
    utf16.execute(f"PRAGMA application_id = {_schema.APPLICATION_ID}")
    utf16.execute("CREATE TABLE t (x)")
    utf16.commit()
    with pytest.raises(embcache.StoreIncompatibleError, match="text encoding UTF-16le"):
        embcache.open(tmp_path / "utf16.sqlite")


def test_default_path_follows_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMBCACHE_STORE", "/x/store.sqlite")
    assert embcache.default_path() == "/x/store.sqlite"
    monkeypatch.setenv("EMBCACHE_STORE", "")
    monkeypatch.setenv("EMBCACHE_DIR", "/d")
    assert embcache.default_path() == "/d/cache.sqlite"
    monkeypatch.delenv("EMBCACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/c")
    assert embcache.default_path() == "/c/embcache/cache.sqlite"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", "/h")
    assert embcache.default_path() == "/h/.cache/embcache/cache.sqlite"


def test_get_or_compute_encodes_each_distinct_miss_once_in_order(store: pathlib.Path) -> None:
    cache = embcache.open(store, writable=True)
    cache.put(NS, embcache.digest(b"cached"), {"embedding": np.array([-1.0], np.float32)})
    calls: list[list[Any]] = []

    def encode(batch: list[Any]) -> np.ndarray:
        calls.append(batch)
        return np.array([[float(len(item))] for item in batch], np.float32)

    inputs: list[Any] = ["abc", b"cached", "abc", "de", ("ab", "c"), "f", "de"]
    records = cache.get_or_compute(NS, inputs, encode, batch_size=2)
    assert [float(r["embedding"][0]) for r in records] == [3.0, -1.0, 3.0, 2.0, 2.0, 1.0, 2.0]
    assert sorted(item for batch in calls for item in map(str, batch)) == sorted(["abc", "de", "('ab', 'c')", "f"])
    assert all(len(batch) <= 2 for batch in calls)
    calls.clear()
    again = cache.get_or_compute(NS, inputs, encode)
    assert calls == [] and [float(r["embedding"][0]) for r in again] == [3.0, -1.0, 3.0, 2.0, 2.0, 1.0, 2.0]
    assert embcache.open(store).get(NS, [embcache.composite_digest([b"ab", b"c"])])[0] is not None
    assert sqlite3.connect(store).execute("SELECT count(*) FROM claim").fetchone() == (0,)


def test_get_or_compute_refuses_invalid_encoder_output(store: pathlib.Path) -> None:
    cache = embcache.open(store, writable=True)
    with pytest.raises(embcache.InvalidArgumentError, match="non-finite"):
        cache.get_or_compute(NS, ["a"], lambda batch: np.array([[np.nan]], np.float32))
    with pytest.raises(embcache.InvalidArgumentError, match="2 records for 1 inputs"):
        cache.get_or_compute(NS, ["a"], lambda batch: np.ones((2, 1), np.float32))
    assert cache.get(NS, [embcache.digest(b"a")]) == [None]
    assert sqlite3.connect(store).execute("SELECT count(*) FROM claim").fetchone() == (0,)


def test_get_or_compute_reencodes_a_corrupt_record(store: pathlib.Path) -> None:
    cache = embcache.open(store, writable=True)
    cache.put(NS, embcache.digest(b"a"), {"embedding": np.array([5.0], np.float32)})
    sqlite3.connect(store, isolation_level=None).execute("UPDATE entry SET checksum = checksum + 1")
    [record] = cache.get_or_compute(NS, ["a"], lambda batch: np.array([[7.0]], np.float32))
    assert float(record["embedding"][0]) == 7.0
    assert float(embcache.open(store).get(NS, [embcache.digest(b"a")])[0]["embedding"][0]) == 7.0  # type: ignore[index]


def _count_encodes(path: str, counter: Any, inputs: list[str]) -> None:
    def encode(batch: list[Any]) -> np.ndarray:
        with counter.get_lock():
            counter.value += len(batch)
        return np.ones((len(batch), 4), np.float32)

    embcache.open(path, writable=True).get_or_compute(NS, inputs, encode, batch_size=8)


def test_processes_sharing_a_store_encode_each_input_once(store: pathlib.Path) -> None:
    embcache.open(store, writable=True).close()
    inputs = [f"text {index}" for index in range(200)]
    counter = multiprocessing.Value("i", 0)
    processes = [
        multiprocessing.Process(target=_count_encodes, args=(str(store), counter, inputs)) for _ in range(3)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    assert counter.value == len(inputs)
    assert embcache.open(store).stats()["entries"] == len(inputs)


def _read_in_child(cache: embcache.Cache, queue: Any) -> None:
    [record] = cache.get(NS, [embcache.digest(b"a")])
    queue.put(None if record is None else record["embedding"].tolist())


def test_a_cache_opened_before_fork_reads_in_the_child(store: pathlib.Path) -> None:
    cache = embcache.open(store, writable=True)
    cache.put(NS, embcache.digest(b"a"), {"embedding": np.array([1.0, 2.0], np.float32)})
    cache.get(NS, [embcache.digest(b"a")])
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_read_in_child, args=(cache, queue))
    child.start()
    assert queue.get(timeout=60) == [1.0, 2.0]
    child.join(60)
    assert child.exitcode == 0


def test_stats_counts_entries_per_namespace(store: pathlib.Path) -> None:
    cache = embcache.open(store, writable=True)
    cache.put(NS, embcache.digest(b"a"), {"e": np.ones(4, np.float32)})
    cache.put(embcache.Namespace("a", "b"), embcache.digest(b"a"), {"e": np.ones(2, np.float32)})
    # The store's own bookkeeping, as embcache precompute writes it: not counted.
    bookkeeping = embcache.Namespace("embcache/encoder-namespaces", "v1")
    cache.put(bookkeeping, embcache.digest(b"spec"), {"model": np.frombuffer(b"m", np.uint8)})
    stats = cache.stats()
    assert stats["entries"] == 2
    assert [(n["model"], n["entries"]) for n in stats["namespaces"]] == [("a", 1), ("test/model@1", 1)]
    assert stats["bytes"] == sum(n["bytes"] for n in stats["namespaces"]) and stats["disk_bytes"] > 0


def test_a_store_file_not_yet_migrated_reads_as_empty(store: pathlib.Path) -> None:
    """A writer creates the file before its tables: a reader opening it then sees an empty store."""
    store.touch()
    reader = embcache.open(store)
    assert reader.stats()["entries"] == 0 and reader.namespaces() == []
    with pytest.raises(embcache.UnknownNamespaceError):
        reader.get(NS, [embcache.digest(b"x")])


def test_a_batch_larger_than_one_query_reads_in_one_transaction(
    store: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from embcache import _lookup

    cache = embcache.open(store, writable=True)
    for index in range(5):
        cache.put(NS, embcache.digest(bytes([index])), {"e": np.array([index], np.int32)})
    monkeypatch.setattr(_lookup, "_CHUNK", 2)
    keys = [embcache.digest(bytes([index])) for index in (4, 9, 0, 3, 1, 2)]
    found = embcache.open(store).get(NS, keys)
    assert [None if r is None else int(r["e"][0]) for r in found] == [4, None, 0, 3, 1, 2]


def filled(store: pathlib.Path, count: int) -> embcache.Cache:
    """A store of ``count`` records of the key ``i`` (two bytes), each the vector [i, i + 0.5]."""
    cache = embcache.open(store, writable=True)
    cache._put_many(
        NS,
        [(embcache.digest(index.to_bytes(2, "little")), {"e": np.array([index, index + 0.5], np.float32)}) for index in range(count)],
    )
    return cache


def values(found: list[Any]) -> list[Any]:
    return [None if record is None else record["e"].tolist() for record in found]


def test_a_large_batch_is_split_across_threads_and_reads_as_key_by_key(
    store: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from embcache import _cache, _lookup

    filled(store, 600)
    monkeypatch.setattr(_lookup, "_PARTS", 3)
    lent: list[int] = []
    real = _cache.Cache._drain_lent
    monkeypatch.setattr(_cache.Cache, "_drain_lent", lambda self, *a: lent.append(1) or real(self, *a))
    keys = [embcache.digest(index.to_bytes(2, "little")) for index in [*range(599, -1, -1), *range(590, 640)]]
    reader = embcache.open(store)
    found = reader.get(NS, keys)
    assert len(lent) == 2, "two lookup threads helped with the batch"
    assert values(found) == [[index, index + 0.5] if index < 600 else None for index in [*range(599, -1, -1), *range(590, 640)]]
    assert values(found) == [values(reader.get(NS, [key]))[0] for key in keys]


def test_a_namespace_of_large_records_is_read_a_row_per_entry_alike(store: pathlib.Path) -> None:
    """After a batch of records of 16 KiB or more, the next batch reads them a row per entry."""
    cache = embcache.open(store, writable=True)
    vectors = {index: np.full(5000, index, np.float32) for index in range(300)}
    cache._put_many(NS, [(embcache.digest(index.to_bytes(2, "little")), {"e": v}) for index, v in vectors.items()])
    keys = [embcache.digest(index.to_bytes(2, "little")) for index in range(310)]
    reader = embcache.open(store)
    for _ in range(2):
        found = reader.get(NS, keys)
        assert [None if r is None else float(r["e"][0]) for r in found] == [*map(float, range(300)), *[None] * 10]
        assert all(r is None or r["e"].shape == (5000,) for r in found)
    assert list(reader._wide_namespaces.values()) == [True]
    small = embcache.Namespace("small", "p")
    cache._put_many(small, [(key, {"e": np.ones(4, np.float32)}) for key in keys[:40]])
    assert all(r is not None for r in reader.get(small, keys[:40]))
    assert sorted(reader._wide_namespaces.values()) == [False, True]


def test_the_pieces_of_a_batch_go_to_one_thread_each() -> None:
    from embcache import _lookup

    keys = [bytes([index % 256, index // 256]) * 16 for index in range(1000)]
    pieces = _lookup.Pieces(keys)
    assert pieces.several and _lookup.Pieces(keys[: _lookup.SPLIT_THRESHOLD - 1]).several is False
    taken: list[list[bytes]] = []

    def take_all() -> None:
        while (piece := pieces.take()) is not None:
            taken.append(piece)

    threads = [threading.Thread(target=take_all) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(key for piece in taken for key in piece) == sorted(keys)


def test_payloads_too_large_for_the_aggregate_are_read_one_by_one(
    store: pathlib.Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from embcache import _lookup

    cache = filled(store, 40)
    big = np.arange(300_000, dtype=np.float32)  # 1.2 MB: a side file
    cache.put(NS, embcache.digest(b"big"), {"e": big})
    keys = [embcache.digest(index.to_bytes(2, "little")) for index in range(45)] + [embcache.digest(b"big")]
    expected = [[index, index + 0.5] if index < 40 else None for index in range(45)] + [big.tolist()]
    assert values(embcache.open(store).get(NS, keys)) == expected
    monkeypatch.setattr(_lookup, "_AGGREGATED_BELOW", 8)
    assert values(embcache.open(store).get(NS, keys)) == expected
    connection = sqlite3.connect(store)
    connection.execute("UPDATE entry SET checksum = (checksum + 1) % 4294967296 WHERE digest = ?", (keys[3],))
    connection.commit()
    with caplog.at_level(logging.WARNING, logger="embcache"):
        found = values(embcache.open(store).get(NS, keys))
    assert found == expected[:3] + [None] + expected[4:] and "fails its checksum" in caplog.text


@pytest.mark.parametrize("count", [4, 40])
def test_rows_a_damaged_store_holds_are_misses_not_errors(
    store: pathlib.Path, count: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Values of the wrong type where a payload or checksum belongs, and a wrong size, in a few
    keys' lookup and a batch's."""
    filled(store, count).close()
    keys = [embcache.digest(index.to_bytes(2, "little")) for index in range(count)]
    connection = sqlite3.connect(store)
    connection.execute("UPDATE entry SET payload = 'ECR3 text é' WHERE digest = ?", (keys[0],))
    connection.execute("UPDATE entry SET payload = 12345 WHERE digest = ?", (keys[1],))
    connection.execute("UPDATE entry SET checksum = 'not a number' WHERE digest = ?", (keys[2],))
    connection.execute("UPDATE entry SET size = size + 1 WHERE digest = ?", (keys[-1],))  # Read all the same.
    connection.commit()
    with caplog.at_level(logging.WARNING, logger="embcache"):
        found = values(embcache.open(store).get(NS, keys))
    assert found == [None, None, None] + [[index, index + 0.5] for index in range(3, count)]
    assert caplog.text.count("fails its checksum") == 3


def test_a_batch_of_one_record_size_is_verified_and_decoded_record_by_record(
    store: pathlib.Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Records of one size are read in place from the aggregate's buffer: each is still verified
    and decoded on its own (a flipped byte, a wrong checksum, another header, an older format, a
    newer one)."""
    from embcache import _cache

    filled(store, 40).close()
    keys = [embcache.digest(index.to_bytes(2, "little")) for index in range(40)]
    connection = sqlite3.connect(store)
    summer = _checksum.RecordChecksum(NS)

    def rewrite(key: bytes, change: Any, checksum: bool = True) -> None:
        (payload,) = connection.execute("SELECT payload FROM entry WHERE digest = ?", (key,)).fetchone()
        payload = change(payload)
        connection.execute("UPDATE entry SET payload = ? WHERE digest = ?", (payload, key))
        if checksum:
            connection.execute("UPDATE entry SET checksum = ? WHERE digest = ?", (summer.checksum(payload, key), key))

    rewrite(keys[1], lambda payload: payload[:-1] + bytes([payload[-1] ^ 1]), checksum=False)
    connection.execute("UPDATE entry SET checksum = (checksum + 1) % 4294967296 WHERE digest = ?", (keys[2],))
    rewrite(keys[3], lambda payload: payload.replace(b"\x01\x00e", b"\x01\x00f"))
    rewrite(keys[4], lambda payload: b"ECR9" + payload[4:])
    rewrite(keys[5], lambda payload: b"ECR2" + payload[4:])
    connection.commit()
    monkeypatch.setattr(_cache.Cache, "_opened", lambda *_: pytest.fail("read a row per record"))
    with caplog.at_level(logging.WARNING, logger="embcache"):
        found = embcache.open(store).get(NS, keys)
    assert [None if record is None else list(record) for record in found[:6]] == [["e"], None, None, ["f"], None, ["e"]]
    assert found[3] is not None and found[3]["f"].tolist() == [3, 3.5]
    assert values(found[:1] + found[5:]) == [[index, index + 0.5] for index in (0, *range(5, 40))]
    assert caplog.text.count("fails its checksum") == 2 and "is in a newer record format" in caplog.text


def test_a_batch_records_the_uses_of_entries_last_used_long_ago(store: pathlib.Path) -> None:
    filled(store, 40).close()
    connection = sqlite3.connect(store)
    connection.execute("UPDATE entry SET last_used = 0")
    connection.commit()
    keys = [embcache.digest(index.to_bytes(2, "little")) for index in range(0, 40, 2)]
    embcache.open(store).get(NS, keys)
    assert connection.execute("SELECT count(*) FROM entry WHERE last_used > 0").fetchone()[0] == 0, "read-only"
    embcache.open(store, writable=True).get(NS, keys)
    used = {row[0] for row in connection.execute("SELECT digest FROM entry WHERE last_used > 0")}
    assert used == set(keys)


def test_a_process_forked_after_a_split_batch_splits_its_own(store: pathlib.Path) -> None:
    """The lookup threads do not survive fork: a DataLoader worker's large batch must not wait for them."""
    filled(store, 600)
    FORKED["reader"] = reader = embcache.open(store)
    keys = [embcache.digest(index.to_bytes(2, "little")) for index in range(600)]
    expected = values(reader.get(NS, keys))
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply_async(values_in_child, (keys,)).get(timeout=60) == expected


# The cache a forked child inherits (a cache is not pickled).
FORKED: dict[str, embcache.Cache] = {}


def values_in_child(keys: list[bytes]) -> list[Any]:
    return values(FORKED["reader"].get(NS, keys))


def test_a_side_file_removed_before_the_commit_is_written_again(
    store: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a prune racing the writer would: the file goes between its write and the transaction."""
    from embcache import _sidefiles

    cache = embcache.open(store, writable=True)
    folder = str(store) + ".blobs"
    real_sync = _sidefiles.sync_directory
    removed: list[str] = []

    def sync_then_remove(directory: str) -> None:
        real_sync(directory)
        if not removed:
            for name in os.listdir(directory):
                os.unlink(os.path.join(directory, name))
                removed.append(name)

    monkeypatch.setattr(_sidefiles, "sync_directory", sync_then_remove)
    latents = np.arange(1 << 19, dtype=np.float32)
    cache.put(NS, embcache.digest(b"large"), {"latents": latents})
    assert len(removed) == 1 and os.listdir(folder) == removed
    [record] = embcache.open(store).get(NS, [embcache.digest(b"large")])
    assert record is not None and np.array_equal(record["latents"], latents)
