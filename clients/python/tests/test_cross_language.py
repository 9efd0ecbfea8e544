"""The package and the Swift command line on one store: each reads and verifies what the other wrote."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import threading
import time
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from safetensors.numpy import load_file

import embcache

from .conftest import run_cli

BYTES = "builtin:bytes?dim=8"


def write_inputs(folder: pathlib.Path, count: int, size: int = 100) -> list[pathlib.Path]:
    folder.mkdir()
    paths = []
    for index in range(count):
        path = folder / f"input-{index:03}.bin"
        path.write_bytes(np.random.default_rng(index).integers(0, 256, size, dtype=np.uint8).tobytes())
        paths.append(path)
    return paths


def namespace_of(report: dict[str, Any]) -> embcache.Namespace:
    return embcache.Namespace(**report["namespace"])


@pytest.mark.parametrize("dim,policy", [(8, "lossless"), (300_000, "lossless"), (8, "float16")])
def test_python_reads_and_verifies_what_the_command_line_wrote(
    cli: pathlib.Path, tmp_path: pathlib.Path, dim: int, policy: str
) -> None:
    """Small inline records, large side-file records (300 000 floats) and down-cast ones."""
    store = tmp_path / "cache.sqlite"
    paths = write_inputs(tmp_path / "inputs", 5)
    out = tmp_path / "out.npy"
    report = run_cli(
        cli, "embed", *map(str, paths), "--encoder", f"builtin:bytes?dim={dim}", "--storage-policy", policy,
        "--store", str(store), "--output", str(out),
    )
    assert report["misses"] == 5
    expected = np.load(out)
    cache = embcache.open(store)
    records = cache.get(namespace_of(report), [embcache.digest(path.read_bytes()) for path in paths])
    for row, record in zip(expected, records):
        assert record is not None
        [array] = record.values()
        assert array.dtype == row.dtype and np.array_equal(array, row)
    assert cache.stats()["entries"] == 5
    if dim == 300_000:
        assert len(list(pathlib.Path(str(store) + ".blobs").iterdir())) == 5


def test_the_command_line_serves_and_verifies_what_python_wrote(cli: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Python stores records under the command line's namespace; embed serves them as hits."""
    store = tmp_path / "cache.sqlite"
    paths = write_inputs(tmp_path / "inputs", 4)
    probe = run_cli(cli, "embed", str(paths[0]), "--encoder", BYTES, "--no-cache")
    ns = namespace_of(probe)
    written = {}
    with embcache.open(store, writable=True) as cache:
        for index, path in enumerate(paths):
            written[path] = np.full(8, index + 0.5, np.float32)
            cache.put(ns, embcache.digest(path.read_bytes()), {"embedding": written[path]})
    out = tmp_path / "out.npy"
    report = run_cli(cli, "embed", *map(str, paths), "--encoder", BYTES, "--store", str(store), "--output", str(out))
    assert (report["hits"], report["corrupt"], report["encoded"]) == (4, 0, 0)
    assert np.array_equal(np.load(out), np.stack([written[path] for path in paths]))


def test_verify_and_export_accept_every_kind_of_python_record(cli: pathlib.Path, tmp_path: pathlib.Path) -> None:
    store = tmp_path / "cache.sqlite"
    ns = embcache.Namespace("python/writer@1", "prompt-template-v1", "lossless")
    records = {
        embcache.digest(b"sample"): {
            "prompt_embeds": np.random.default_rng(0).standard_normal((7, 64)).astype(np.float16),
            "prompt_embeds_mask": np.array([True] * 5 + [False] * 2),
            "bf16": np.array([1.0, -2.5], ml_dtypes.bfloat16),
            "ids": np.arange(7, dtype=np.int64),
        },
        embcache.composite_digest([b"image", b"a red chair"]): {
            "latents": np.random.default_rng(1).standard_normal((16, 128, 128)).astype(np.float32),
        },
        embcache.digest(b""): {"scalar": np.array(3, np.int32), "empty": np.zeros((0, 4), np.float32)},
    }
    with embcache.open(store, writable=True) as cache:
        for key, tensors in records.items():
            cache.put(ns, key, tensors)
    verified = run_cli(cli, "verify", "--store", str(store))
    assert (verified["records"], verified["corrupt"]) == (3, 0)
    exported = run_cli(
        cli, "export", "--namespace", f"{ns.model}|{ns.preprocessing}|{ns.storage}", "--out", str(tmp_path / "x"),
        "--store", str(store),
    )
    assert (exported["records"], exported["corrupt"]) == (3, 0)
    index = json.loads((tmp_path / "x" / "index.json").read_text())
    tensors: dict[str, np.ndarray] = {}
    for shard in index["shards"]:
        tensors.update(load_file(str(tmp_path / "x" / shard)))
    for entry in index["records"]:
        original = records[bytes.fromhex(entry["digest"])]
        assert entry["tensors"] == list(original)
        for name, array in original.items():
            got = tensors[f"{entry['digest']}/{name}"]
            assert got.shape == array.shape and got.tobytes() == array.tobytes()


def test_a_corrupt_python_record_is_found_by_verify(cli: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """The control for the test above: verify does check what Python wrote."""
    store = tmp_path / "cache.sqlite"
    with embcache.open(store, writable=True) as cache:
        cache.put(embcache.Namespace("m", "p"), embcache.digest(b"x"), {"e": np.ones(4, np.float32)})
        cache._connection().execute("UPDATE entry SET payload = zeroblob(length(payload))")
    verified = run_cli(cli, "verify", "--store", str(store), expect=4)
    assert (verified["records"], verified["corrupt"]) == (1, 1)


@pytest.mark.parametrize("dim,count", [(8, 3000), (300_000, 40)])
def test_both_languages_writing_one_store_encode_each_input_once(
    cli: pathlib.Path, tmp_path: pathlib.Path, dim: int, count: int
) -> None:
    """Python's get_or_compute and embed --lines run at once over the same texts and namespace,
    with small records and with large ones (side files)."""
    store = tmp_path / "cache.sqlite"
    texts = [f"text number {index}" for index in range(count)]
    lines = tmp_path / "lines.txt"
    lines.write_text("\n".join(texts) + "\n")
    encoder = f"builtin:bytes?dim={dim}"
    ns = namespace_of(run_cli(cli, "embed", "--lines", str(lines), "--encoder", encoder, "--no-cache"))
    embcache.open(store, writable=True).close()
    encoded_by_python = []

    def encode(batch: list[Any]) -> np.ndarray:
        encoded_by_python.extend(batch)
        time.sleep(0.02)  # a model's cost, so the two runs overlap
        return np.tile(np.float32(1 / np.sqrt(dim)), (len(batch), dim))

    command = [
        str(cli), "embed", "--lines", str(lines), "--encoder", f"{encoder}&cost-ms=1&batch=4", "--store", str(store),
        "--json",
    ]
    swift = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    failures: list[BaseException] = []

    def fill() -> None:
        try:
            embcache.open(store, writable=True).get_or_compute(ns, texts, encode, batch_size=4 if dim > 8 else 64)
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    python = threading.Thread(target=fill)
    python.start()
    stdout, stderr = swift.communicate(timeout=600)
    python.join(600)
    assert swift.returncode == 0, stderr
    assert not failures
    report = json.loads(stdout)
    assert report["corrupt"] == 0
    assert report["encoded"] + len(encoded_by_python) == len(texts)
    verified = run_cli(cli, "verify", "--store", str(store))
    assert (verified["records"], verified["corrupt"]) == (len(texts), 0)
    side_files = [name for name in os.listdir(str(store) + ".blobs") if not name.startswith(".")]
    assert len(side_files) == (len(texts) if dim > 8 else 0)


def test_a_read_only_cache_reads_while_the_command_line_writes(cli: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Every record a reader sees mid-run verifies and equals what the run finally outputs."""
    store = tmp_path / "cache.sqlite"
    texts = [f"line {index}" for index in range(2000)]
    lines = tmp_path / "lines.txt"
    lines.write_text("\n".join(texts) + "\n")
    out = tmp_path / "out.npy"
    ns = namespace_of(run_cli(cli, "embed", "--lines", str(lines), "--encoder", BYTES, "--no-cache"))
    run_cli(cli, "embed", "--lines", str(lines), "--encoder", BYTES, "--store", str(store), "--output", str(tmp_path / "x.npy"))
    store.unlink()
    for side in (tmp_path / "cache.sqlite-wal", tmp_path / "cache.sqlite-shm"):
        side.unlink(missing_ok=True)
    command = [
        str(cli), "embed", "--lines", str(lines), "--encoder", f"{BYTES}&cost-ms=1&batch=16", "--store", str(store),
        "--output", str(out), "--json",
    ]
    swift = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    keys = [embcache.digest(text.encode()) for text in texts]
    seen: dict[int, np.ndarray] = {}
    reader = None
    while swift.poll() is None:
        try:
            reader = reader or embcache.open(store)
            found = reader.get(ns, keys)
        except (embcache.StoreNotFoundError, embcache.UnknownNamespaceError, embcache.StoreIncompatibleError):
            time.sleep(0.01)
            continue
        for index, record in enumerate(found):
            if record is not None:
                seen[index] = np.array(record["embedding"])
    _, stderr = swift.communicate(timeout=600)
    assert swift.returncode == 0, stderr
    expected = np.load(out)
    assert seen, "the reader saw no record while the run wrote"
    for index, vector in seen.items():
        assert np.array_equal(vector, expected[index])
