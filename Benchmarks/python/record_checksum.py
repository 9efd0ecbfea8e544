#!/usr/bin/env python3
"""embcache's record checksum (format 2) in Python, and how fast Python verifies it.

An independent implementation from docs/storage-layout.md ("Record checksum"), with numpy and the
`crc32c` package (hardware CRC32C). It prints the checksum of a fixed test vector, which the Swift
test RecordChecksumVectorTests compares with its own, then times verification of a large payload
on one core (the Python package must verify at 2 GB/s or more).

    python3 Benchmarks/python/record_checksum.py [--megabytes 64] [--json]
"""

import argparse
import hashlib
import json
import struct
import time

import crc32c
import numpy as np

CHUNK = 1 << 20


def three_lane(chunk: memoryview) -> int:
    """CRC32C-3lane(0, chunk): 8-byte words dealt round-robin to three lanes, tail to lane 0."""
    words = len(chunk) // 24 * 3
    lanes = np.frombuffer(chunk[: words * 8], dtype="<u8").reshape(-1, 3)
    values = [crc32c.crc32c(np.ascontiguousarray(lanes[:, k])) for k in range(3)]
    values[0] = crc32c.crc32c(chunk[words * 8 :], values[0])
    summary = struct.pack("<3IQ", *values, len(chunk))
    return crc32c.crc32c(summary)


def namespace_seed(model: str, preprocessing: str, storage: str) -> int:
    framed = b"ECR2"
    for part in (model, preprocessing, storage):
        encoded = part.encode()
        framed += struct.pack("<Q", len(encoded)) + encoded
    return crc32c.crc32c(framed)


def checksum(payload: bytes, digest: bytes, seed: int) -> int:
    view = memoryview(payload)
    seed = crc32c.crc32c(digest, seed)
    sums = [three_lane(view[i : i + CHUNK]) for i in range(0, max(len(view), 1), CHUNK)] or [three_lane(view)]
    return crc32c.crc32c(struct.pack(f"<{len(sums)}IQ", *sums, len(payload)), seed)


def vector() -> dict:
    """The shared test vector: 3 MiB + 29 bytes of a byte ramp under test/model@1 | identity | lossless."""
    payload = bytes(range(256)) * (3 * 4096) + bytes(range(29))
    digest = hashlib.sha256(b"vector").digest()
    seed = namespace_seed("test/model@1", "identity", "lossless")
    return {"payload_bytes": len(payload), "checksum": checksum(payload, digest, seed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=int, default=64)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    payload = np.random.default_rng(0).integers(0, 256, size=options.megabytes << 20, dtype=np.uint8).tobytes()
    digest = hashlib.sha256(b"speed").digest()
    seed = namespace_seed("test/model@1", "identity", "lossless")
    best = min(_timed(lambda: checksum(payload, digest, seed)) for _ in range(5))
    plain = min(_timed(lambda: crc32c.crc32c(payload)) for _ in range(5))
    result = {
        "vector": vector(),
        "payload_bytes": len(payload),
        "verify_gb_per_s": len(payload) / best / 1e9,
        "plain_crc32c_gb_per_s": len(payload) / plain / 1e9,
        "hardware_crc32c": bool(crc32c.hardware_based),
    }
    if options.json:
        print(json.dumps(result))
    else:
        print(f"test vector checksum: {result['vector']['checksum']}")
        print(f"record checksum verified in Python: {result['verify_gb_per_s']:.2f} GB/s on one core")
        print(f"plain CRC32C of the same bytes (crc32c package): {result['plain_crc32c_gb_per_s']:.2f} GB/s")


def _timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
