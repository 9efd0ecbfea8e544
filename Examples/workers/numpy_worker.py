#!/usr/bin/env python3
"""A reference embcache worker needing only Python and numpy.

Each input's embedding is a deterministic projection of its bytes: a byte histogram (256 counts)
times a fixed random matrix seeded by --seed, L2-normalised to a float32 vector of --dim values.
Equal bytes give equal vectors. Composite inputs are the concatenation of their parts.

Options for tests and benchmarks (inputs are matched by substring):
  --noop                 return zeros of --dim floats without looking at the input (protocol cost)
  --error-on TEXT        fail inputs containing TEXT with a per-item error
  --crash-on TEXT        exit(3) in the middle of a batch holding an input containing TEXT
  --hang-on TEXT         sleep forever on a batch holding an input containing TEXT
  --wrong-shape-on TEXT  return dim + 1 values for inputs containing TEXT
  --garbage              write text instead of a handshake
  --pixels               ask for decoded pixels: the histogram is then of the decoded samples
                         (as 8-bit values), so files with the same pixels get the same vector
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from embcache_worker import WorkerItemError, decode_pixels, encode_record, serve  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--noop", action="store_true")
    parser.add_argument("--error-on")
    parser.add_argument("--crash-on")
    parser.add_argument("--hang-on")
    parser.add_argument("--wrong-shape-on")
    parser.add_argument("--garbage", action="store_true")
    parser.add_argument("--pixels", action="store_true")
    options = parser.parse_args()

    if options.garbage:
        sys.stdout.write("Loading model... done\n")
        sys.stdout.flush()
        time.sleep(60)
        return

    projection = np.random.default_rng(options.seed).standard_normal((256, options.dim)).astype(np.float32)
    zeros = encode_record([("embedding", np.zeros(options.dim, dtype=np.float32))])

    def marked(data, text):
        return text is not None and text.encode() in data

    def eight_bit_samples(part):
        pixels = decode_pixels(part)
        if pixels.dtype.itemsize == 2:
            pixels = pixels >> 8
        return pixels.astype(np.uint8).tobytes()

    def embed(data):
        histogram = np.bincount(np.frombuffer(data, dtype=np.uint8), minlength=256).astype(np.float32)
        vector = histogram @ projection
        norm = np.linalg.norm(vector)
        return vector / norm if norm > 0 else vector

    def encode_batch(items):
        if options.noop:
            return [zeros] * len(items)
        if options.pixels:
            items = [[eight_bit_samples(part) for part in parts] for parts in items]
        inputs = [b"".join(parts) for parts in items]
        if any(marked(data, options.crash_on) for data in inputs):
            print("numpy_worker: crashing as asked (--crash-on)", file=sys.stderr, flush=True)
            os.write(1, b"R\x10")  # half a frame header on the real stdout, then death
            os._exit(3)
        if any(marked(data, options.hang_on) for data in inputs):
            print("numpy_worker: hanging as asked (--hang-on)", file=sys.stderr, flush=True)
            time.sleep(3600)
        results = []
        for data in inputs:
            if marked(data, options.error_on):
                results.append(WorkerItemError("this input was refused as asked (--error-on)"))
            elif marked(data, options.wrong_shape_on):
                results.append([("embedding", np.zeros(options.dim + 1, dtype=np.float32))])
            else:
                results.append([("embedding", embed(data))])
        return results

    model = "noop" if options.noop else f"byte-histogram-projection/v1?seed={options.seed}"
    serve(
        {
            "model": f"numpy_worker:{model}&dim={options.dim}",
            "preprocessing": "decoded-pixels-8bit" if options.pixels else "raw-bytes",
            "tensors": [{"name": "embedding", "dtype": "F32", "shape": [options.dim]}],
            "batch_size": options.batch_size,
            "input": "pixels" if options.pixels else "bytes",
            # The identity above comes from the command line and this code alone.
            "identity_files": [
                __file__,
                os.path.join(os.path.dirname(os.path.abspath(__file__)), "embcache_worker.py"),
            ],
        },
        encode_batch,
    )


if __name__ == "__main__":
    main()
