"""A worker for the PyTorch dataset tests: records of every dtype a training sample holds.

``--kind image`` answers each input with ``latents`` (float16, 4 × 8 × 8); ``--kind text`` with
``prompt_embeds`` (bfloat16, 8 × 16), ``pooled_prompt_embeds`` (float32, 16), ``input_ids``
(int64, 8) and ``attention_mask`` (bool, 8). Values are drawn from a generator seeded by the
input's SHA-256, so equal inputs get equal records and different inputs different ones.
"""

import argparse
import hashlib
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "Examples", "workers"))
from embcache_worker import encode_tensor, serve

SEQUENCE, WIDTH = 8, 16
TENSORS = {
    "image": [{"name": "latents", "dtype": "F16", "shape": [4, 8, 8]}],
    "text": [
        {"name": "prompt_embeds", "dtype": "BF16", "shape": [SEQUENCE, WIDTH]},
        {"name": "pooled_prompt_embeds", "dtype": "F32", "shape": [WIDTH]},
        {"name": "input_ids", "dtype": "I64", "shape": [SEQUENCE]},
        {"name": "attention_mask", "dtype": "BOOL", "shape": [SEQUENCE]},
    ],
}


def record(kind: str, data: bytes) -> bytes:
    """One record item of the protocol for an input's bytes."""
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(data).digest()[:8], "little"))
    if kind == "image":
        tensors = [("latents", rng.standard_normal((4, 8, 8)).astype(np.float16), "F16")]
    else:
        embeds = rng.standard_normal((SEQUENCE, WIDTH)).astype(np.float32)
        length = int(rng.integers(1, SEQUENCE + 1))
        tensors = [
            ("prompt_embeds", (embeds.view(np.uint32) >> 16).astype(np.uint16), "BF16"),
            ("pooled_prompt_embeds", rng.standard_normal(WIDTH).astype(np.float32), "F32"),
            ("input_ids", rng.integers(-(2**40), 2**40, SEQUENCE, dtype=np.int64), "I64"),
            ("attention_mask", np.arange(SEQUENCE) < length, "BOOL"),
        ]
    return struct.pack("<BI", 0, len(tensors)) + b"".join(encode_tensor(n, a, d) for n, a, d in tensors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kind", choices=sorted(TENSORS), required=True)
    kind = parser.parse_args().kind
    serve(
        {"model": f"test-sample-worker/{kind}/v1", "preprocessing": "raw-bytes", "tensors": TENSORS[kind]},
        lambda items: [record(kind, b"".join(parts)) for parts in items],
    )


if __name__ == "__main__":
    main()
