#!/usr/bin/env python3
"""Read benchmarks of the Python package (clients/python), each next to a baseline in the same run.

- checksum: the record checksum verified by the package (one thread: GB/s), against plain CRC32C
  of the same bytes (the `crc32c` package), over a 64 MiB payload of the current record format
  (its magic, then random bytes); the best of 5.
- large: a verified read of one 8.3 MB float16 record (a side file) with `Cache.get`, against
  `safetensors.safe_open(...).get_tensor` of the same tensor from a file; runs alternate, medians.
- batch: `Cache.get` of 800 random keys of 384 float32 values from a store of `--entries` records:
  warm (repeated in one process), and first in a new process against the Swift command line's
  first lookup of the same keys in its own new process (`embcache embed --lines` over the texts
  whose digests they are, all hits: its `lookup_seconds`); runs alternate, medians. (The warm get
  against the Swift library's warm batch get of the same keys is a row of the Swift benchmarks'
  lookup suite, which runs Benchmarks/python/batch_get_timings.py between its own passes.)
- langchain (when `langchain-classic` is installed): `Cache.get_or_compute` and `CachedEmbeddings`
  on an all-hit batch of 800 texts, against LangChain's `CacheBackedEmbeddings` over its
  `LocalFileStore` on the same texts (384-value vectors from a deterministic fake model); medians.

    python3 Benchmarks/python/client_reads.py --embcache .build/release/embcache [--entries 100000] [--json]

Scripts/benchmark.sh runs it. Without --embcache the batch row has no baseline.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable

import crc32c
import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "clients", "python", "src"))
import embcache  # noqa: E402
from embcache import _codec  # noqa: E402
from embcache._checksum import RecordChecksum  # noqa: E402

NAMESPACE = embcache.Namespace("builtin:bytes/v1?dim=384", "raw-bytes")


def timed(work: Callable[[], Any]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def checksum_speed() -> dict[str, float]:
    random = np.random.default_rng(0).integers(0, 256, size=(64 << 20) - 4, dtype=np.uint8).tobytes()
    payload = _codec.MAGIC + random
    summer = RecordChecksum(NAMESPACE)
    digest = hashlib.sha256(b"speed").digest()
    verify = min(timed(lambda: summer.checksum(payload, digest)) for _ in range(5))
    plain = min(timed(lambda: crc32c.crc32c(payload)) for _ in range(5))
    return {
        "verify_gb_per_s": len(payload) / verify / 1e9,
        "plain_crc32c_gb_per_s": len(payload) / plain / 1e9,
    }


def large_read(folder: str, runs: int) -> dict[str, float]:
    latents = np.random.default_rng(1).standard_normal((16, 512, 506)).astype(np.float16)  # 8.29 MB
    cache = embcache.open(os.path.join(folder, "large.sqlite"), writable=True)
    key = embcache.digest(b"large")
    cache.put(NAMESPACE, key, {"latents": latents})
    file = os.path.join(folder, "large.safetensors")
    save_file({"latents": latents}, file)
    reader = embcache.open(os.path.join(folder, "large.sqlite"))

    def ours() -> None:
        [record] = reader.get(NAMESPACE, [key])
        assert record is not None and record["latents"].shape == latents.shape

    def theirs() -> None:
        with safe_open(file, framework="numpy") as opened:
            assert opened.get_tensor("latents").shape == latents.shape

    ours_times, their_times = [], []
    for _ in range(runs):
        ours_times.append(timed(ours))
        their_times.append(timed(theirs))
    ours_s, theirs_s = statistics.median(ours_times), statistics.median(their_times)
    return {
        "bytes": latents.nbytes,
        "embcache_ms": ours_s * 1e3,
        "embcache_gb_per_s": latents.nbytes / ours_s / 1e9,
        "safetensors_ms": theirs_s * 1e3,
        "safetensors_gb_per_s": latents.nbytes / theirs_s / 1e9,
    }


def batch_get(folder: str, entries: int, runs: int, cli: str | None) -> dict[str, Any]:
    path = os.path.join(folder, "batch.sqlite")
    writer = embcache.open(path, writable=True)
    rng = np.random.default_rng(2)
    for start in range(0, entries, 2000):
        stop = min(entries, start + 2000)
        vectors = rng.standard_normal((stop - start, 384)).astype(np.float32)
        writer._put_many(
            NAMESPACE,
            [(embcache.digest(f"text {index}".encode()), {"embedding": vectors[index - start]}) for index in range(start, stop)],
        )
    writer.close()
    reader = embcache.open(path)
    chosen = rng.choice(entries, 800, replace=False)
    texts = [f"text {index}" for index in chosen]
    keys = [embcache.digest(text.encode()) for text in texts]
    lines = os.path.join(folder, "keys.txt")
    with open(lines, "w") as file:
        file.write("\n".join(texts) + "\n")
    command = [cli or "", "embed", "--lines", lines, "--encoder", "builtin:bytes", "--store", path, "--json"]
    # The first get in a new Python process, as the command line's first lookup is in its own.
    first_get = [sys.executable, "-c", FIRST_GET, path, lines]
    ours_times, first_times, swift_times = [], [], []
    reader.get(NAMESPACE, keys)
    for _ in range(runs):
        ours_times.append(timed(lambda: reader.get(NAMESPACE, keys)))
        first_times.append(float(subprocess.run(first_get, capture_output=True, text=True, check=True).stdout))
        if cli:
            report = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
            assert report["hits"] == 800, report
            swift_times.append(report["lookup_seconds"])
    result: dict[str, Any] = {
        "entries": entries,
        "embcache_python_ms": statistics.median(ours_times) * 1e3,
        "embcache_python_first_ms": statistics.median(first_times) * 1e3,
    }
    if swift_times:
        result["embcache_swift_first_ms"] = statistics.median(swift_times) * 1e3
        result["ratio"] = result["embcache_python_first_ms"] / result["embcache_swift_first_ms"]
    return result


FIRST_GET = """
import sys, time
sys.path.insert(0, {source!r})
import embcache
texts = open(sys.argv[2]).read().splitlines()
keys = [embcache.digest(text.encode()) for text in texts]
cache = embcache.open(sys.argv[1])
start = time.perf_counter()
assert all(r is not None for r in cache.get(embcache.Namespace("builtin:bytes/v1?dim=384", "raw-bytes"), keys))
print(time.perf_counter() - start)
""".format(source=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python", "src"))


def langchain_hits(folder: str, runs: int) -> dict[str, float] | None:
    try:
        from langchain_classic.embeddings import CacheBackedEmbeddings
        from langchain_classic.storage import LocalFileStore
        from langchain_core.embeddings import DeterministicFakeEmbedding

        from embcache.langchain import CachedEmbeddings
    except ImportError:
        return None
    model = DeterministicFakeEmbedding(size=384)
    texts = [f"chunk {index} of a document that did not change" for index in range(800)]
    theirs = CacheBackedEmbeddings.from_bytes_store(
        model, LocalFileStore(os.path.join(folder, "langchain")), namespace="fake-384", key_encoder="sha256"
    )
    cache = embcache.open(os.path.join(folder, "langchain.sqlite"), writable=True)
    ours = CachedEmbeddings(model, cache, embcache.Namespace("fake-384", "none"))
    namespace = embcache.Namespace("fake-384-arrays", "none")

    def encode(batch: list[Any]) -> np.ndarray:
        return np.asarray(model.embed_documents(batch), dtype=np.float32)

    theirs.embed_documents(texts)
    ours.embed_documents(texts)
    cache.get_or_compute(namespace, texts, encode)
    get_or_compute, wrapper, baseline = [], [], []
    for _ in range(runs):
        get_or_compute.append(timed(lambda: cache.get_or_compute(namespace, texts, encode)))
        wrapper.append(timed(lambda: ours.embed_documents(texts)))
        baseline.append(timed(lambda: theirs.embed_documents(texts)))
    result = {
        "get_or_compute_ms": statistics.median(get_or_compute) * 1e3,
        "cached_embeddings_ms": statistics.median(wrapper) * 1e3,
        "langchain_ms": statistics.median(baseline) * 1e3,
    }
    result["speedup"] = result["langchain_ms"] / result["get_or_compute_ms"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embcache", help="the embcache binary for the batch baseline")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = {
            "checksum": checksum_speed(),
            "large": large_read(folder, options.runs),
            "batch": batch_get(folder, options.entries, options.runs, options.embcache),
            "langchain": langchain_hits(folder, options.runs),
        }
    if options.json:
        print(json.dumps(result))
        return
    checksum, large, batch = result["checksum"], result["large"], result["batch"]
    print("| Python package read | embcache | baseline (same run) |")
    print("|---|---:|---:|")
    print(
        f"| record checksum verified, one core | {checksum['verify_gb_per_s']:.2f} GB/s "
        f"| plain CRC32C {checksum['plain_crc32c_gb_per_s']:.2f} GB/s |"
    )
    print(
        f"| verified read of an 8.3 MB float16 record | {large['embcache_ms']:.2f} ms "
        f"({large['embcache_gb_per_s']:.1f} GB/s) | safetensors safe_open {large['safetensors_ms']:.2f} ms "
        f"({large['safetensors_gb_per_s']:.1f} GB/s) |"
    )
    print(f"| get of 800 × 384 float32 from {batch['entries']} records, warm | {batch['embcache_python_ms']:.2f} ms | |")
    swift = (
        f"Swift CLI's lookup of the same keys {batch['embcache_swift_first_ms']:.2f} ms ({batch['ratio']:.2f}x)"
        if "ratio" in batch
        else "—"
    )
    print(f"| the same get, first in a new process | {batch['embcache_python_first_ms']:.2f} ms | {swift} |")
    langchain = result["langchain"]
    if langchain:
        print(
            f"| all-hit batch of 800 texts: get_or_compute (CachedEmbeddings) | {langchain['get_or_compute_ms']:.2f} ms "
            f"({langchain['cached_embeddings_ms']:.2f} ms) | CacheBackedEmbeddings over LocalFileStore "
            f"{langchain['langchain_ms']:.2f} ms ({langchain['speedup']:.1f}x) |"
        )


if __name__ == "__main__":
    main()
