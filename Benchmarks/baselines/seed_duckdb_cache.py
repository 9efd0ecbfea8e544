"""Baseline: the first seed's cache, rebuilt from its description (DuckDB in Python).

The class below is the seed's forty lines: a three-part primary key, the vector as a BLOB, one
SELECT per lookup, one INSERT OR REPLACE per miss. This script fills it with N entries of 384
float32 values and times single-key lookups, the seed's get path on a hit; seed_duckdb_cycle.py
imports the class for whole get-or-compute passes over files.

Usage: python3 seed_duckdb_cache.py DB_PATH ENTRIES LOOKUPS
Prints one JSON object with the lookup p50 and p99 in microseconds.
"""
import hashlib
import json
import random
import sys
import time

import duckdb
import numpy as np

SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model_version   VARCHAR NOT NULL,
    preproc_version VARCHAR NOT NULL,
    content_hash    VARCHAR NOT NULL,
    dim             INTEGER NOT NULL,
    vec             BLOB    NOT NULL,
    created_ts      DOUBLE  NOT NULL,
    PRIMARY KEY (model_version, preproc_version, content_hash)
)
"""


def sha256_bytes(data):
    return hashlib.sha256(data).hexdigest()


class EmbeddingCache:
    def __init__(self, db_path, model_version, preproc_version, hash_fn=sha256_bytes):
        self.con = duckdb.connect(db_path)
        self.con.execute(SCHEMA)
        self.model_version = model_version
        self.preproc_version = preproc_version
        self.hash_fn = hash_fn

    def get_or_compute(self, image_bytes, compute_fn):
        h = self.hash_fn(image_bytes)
        row = self.con.execute(
            "SELECT dim, vec FROM embeddings WHERE "
            "model_version=? AND preproc_version=? AND content_hash=?",
            [self.model_version, self.preproc_version, h]).fetchone()
        if row is not None:
            dim, blob = row
            return np.frombuffer(blob, dtype=np.float32).reshape(dim)
        vec = compute_fn(image_bytes)
        self.con.execute(
            "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?, ?, ?)",
            [self.model_version, self.preproc_version, h, int(vec.shape[0]),
             vec.astype(np.float32).tobytes(), time.time()])
        return vec

    def lookup(self, content_hash):
        row = self.con.execute(
            "SELECT dim, vec FROM embeddings WHERE "
            "model_version=? AND preproc_version=? AND content_hash=?",
            [self.model_version, self.preproc_version, content_hash]).fetchone()
        if row is None:
            return None
        dim, blob = row
        return np.frombuffer(blob, dtype=np.float32).reshape(dim)


def main() -> None:
    path, entries, lookups = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cache = EmbeddingCache(path, "builtin:bytes", "raw-bytes")
    vector = np.arange(384, dtype=np.float32).tobytes()
    # Bulk fill inside DuckDB (row-by-row inserts from Python would take minutes at 1 M rows).
    cache.con.execute(
        "INSERT INTO embeddings SELECT ?, ?, sha256(CAST(i AS VARCHAR)), 384, ?, ? FROM range(?) t(i)",
        [cache.model_version, cache.preproc_version, vector, time.time(), entries])
    rng = random.Random(7)
    seconds = []
    for _ in range(lookups):
        key = hashlib.sha256(str(rng.randrange(entries)).encode()).hexdigest()
        start = time.perf_counter()
        found = cache.lookup(key)
        seconds.append(time.perf_counter() - start)
        assert found is not None
    seconds.sort()
    print(json.dumps({
        "p50_us": seconds[len(seconds) // 2] * 1e6,
        "p99_us": seconds[int(len(seconds) * 0.99)] * 1e6,
    }))


if __name__ == "__main__":
    main()
