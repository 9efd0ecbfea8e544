#!/usr/bin/env python3
"""embcache's record checksum (format 3) in Python, and how fast Python verifies it.

An independent implementation from docs/format.md ("Checksum"), with the `crc32c` package
(hardware CRC32C): one call per 1 MiB chunk, on a slice of the payload, without copying it. It
prints the checksum of a fixed test vector, which the Swift test RecordChecksumVectorTests compares
with its own, then times verification of a large payload on one core (the Python package must
verify at 2 GB/s or more), against plain CRC32C of the same bytes.

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


def namespace_seed(model: str, preprocessing: str, storage: str) -> int:
    framed = b"ECR2"
    for part in (model, preprocessing, storage):
        encoded = part.encode()
        framed += struct.pack("<Q", len(encoded)) + encoded
    return crc32c.crc32c(framed)


def checksum(payload: bytes, digest: bytes, seed: int) -> int:
    view = memoryview(payload)
    seed = crc32c.crc32c(digest, seed)
    sums = [crc32c.crc32c(view[i : i + CHUNK]) for i in range(0, max(len(view), 1), CHUNK)]
    return crc32c.crc32c(struct.pack(f"<{len(sums)}IQ", *sums, len(payload)), seed)


def vector() -> dict:
    """The shared test vector: "ECR3", then the rest of 3 MiB + 29 bytes of a byte ramp, under
    test/model@1 | identity | lossless."""
    payload = b"ECR3" + (bytes(range(256)) * (3 * 4096) + bytes(range(29)))[4:]
    digest = hashlib.sha256(b"vector").digest()
    seed = namespace_seed("test/model@1", "identity", "lossless")
    return {"payload_bytes": len(payload), "checksum": checksum(payload, digest, seed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=int, default=64)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    payload = b"ECR3" + np.random.default_rng(0).integers(0, 256, size=(options.megabytes << 20) - 4, dtype=np.uint8).tobytes()
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
