"""Baseline: read one tensor with safetensors' numpy loader, as a PyTorch-side trainer would.

Usage: python3 safetensors_load.py FILE.safetensors REPEATS
Prints one JSON object: the median seconds of load_file and the tensor bytes.
"""
import json
import statistics
import sys
import time

from safetensors.numpy import load_file


def main() -> None:
    path, repeats = sys.argv[1], int(sys.argv[2])
    load_file(path)  # warm the page cache
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        tensors = load_file(path)
        seconds.append(time.perf_counter() - start)
    size = sum(t.nbytes for t in tensors.values())
    print(json.dumps({"median_seconds": statistics.median(seconds), "bytes": size}))


if __name__ == "__main__":
    main()
