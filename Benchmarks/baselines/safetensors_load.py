"""Baseline: read one tensor with safetensors, as a PyTorch-side trainer would.

Usage: python3 safetensors_load.py FILE.safetensors REPEATS
Prints one JSON object: the median seconds of `safe_open(...).get_tensor` (the memory-mapped
reader, the like-for-like baseline of a mapped read) and of `load_file` (which reads the whole
file), both on the numpy side, and the tensor bytes.
"""
import json
import statistics
import sys
import time

from safetensors import safe_open
from safetensors.numpy import load_file


def median_seconds(read, repeats):
    read()  # warm the page cache and the mapping
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        read()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def read_mapped(path):
    with safe_open(path, framework="np") as file:
        return {name: file.get_tensor(name) for name in file.keys()}


def main() -> None:
    path, repeats = sys.argv[1], int(sys.argv[2])
    size = sum(t.nbytes for t in load_file(path).values())
    print(
        json.dumps(
            {
                "safe_open_seconds": median_seconds(lambda: read_mapped(path), repeats),
                "load_file_seconds": median_seconds(lambda: load_file(path), repeats),
                "bytes": size,
            }
        )
    )


if __name__ == "__main__":
    main()
