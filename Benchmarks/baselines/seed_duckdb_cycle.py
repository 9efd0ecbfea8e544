"""Baseline: the seed's cold and warm 800-image cycles through its DuckDB cache, on given files.

Each pass reads every file in FOLDER (sorted by name) and calls the seed's
get_or_compute(image_bytes, compute_fn) on it, one file at a time, as the seed's pipeline does.
The cold pass starts from an empty database, so every file is hashed, looked up, encoded and
inserted; the warm passes that follow find every file. compute_fn is embcache's builtin:bytes
encoder rewritten in numpy (a unit vector of 384 float32 values drawn by SplitMix64 seeded with
the SHA-256 of the bytes), so both caches pay the same encoder work.

Usage: python3 seed_duckdb_cycle.py FOLDER DB_PATH WARM_PASSES
Prints one JSON object: the cold pass's seconds and every warm pass's seconds.
"""
import hashlib
import json
import os
import sys
import time

import numpy as np

from seed_duckdb_cache import EmbeddingCache

GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def bytes_encoder(data, dim=384):
    """builtin:bytes: SplitMix64 seeded by the first 8 bytes of the SHA-256, scaled to [-1, 1)."""
    seed = np.uint64(int.from_bytes(hashlib.sha256(data).digest()[:8], "little"))
    with np.errstate(over="ignore"):
        state = seed + GOLDEN * np.arange(1, dim + 1, dtype=np.uint64)
        mixed = (state ^ (state >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        mixed = (mixed ^ (mixed >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        mixed ^= mixed >> np.uint64(31)
    values = ((mixed >> np.uint64(11)).astype(np.float64) / 2.0**53 * 2 - 1).astype(np.float32)
    return values / np.linalg.norm(values)


def run_pass(cache, paths):
    start = time.perf_counter()
    for path in paths:
        with open(path, "rb") as handle:
            cache.get_or_compute(handle.read(), bytes_encoder)
    return time.perf_counter() - start


def main() -> None:
    folder, db_path, warm_passes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    paths = sorted(os.path.join(folder, name) for name in os.listdir(folder))
    cache = EmbeddingCache(db_path, "builtin:bytes/v1?dim=384", "raw-bytes")
    cold = run_pass(cache, paths)
    rows = cache.con.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    assert rows == len(paths), f"the cold pass stored {rows} of {len(paths)} files"
    warm = [run_pass(cache, paths) for _ in range(warm_passes)]
    print(json.dumps({"files": len(paths), "cold_seconds": cold, "warm_seconds": warm}))


if __name__ == "__main__":
    main()
