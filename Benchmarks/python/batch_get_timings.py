#!/usr/bin/env python3
"""Times the Python package's batch get over batches of keys the Swift benchmarks chose.

The lookup suite (Benchmarks/Sources/embcache-benchmarks) runs this between its own timed passes
over the same batches of the same store, so that the Python package's warm batch get and the Swift
store's are measured on the same file, keys and machine state:

    python3 Benchmarks/python/batch_get_timings.py STORE BATCHES MODEL PREPROCESSING

BATCHES holds one batch per line, its keys as hex digests separated by spaces. Every batch is read
once untimed (so its pages are mapped into this process, as the Swift suite warms its own), then
each batch once, timed, with every record verified and decoded. Prints
``{"seconds": [per batch, in order]}``.
"""

from __future__ import annotations

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python", "src"))
import embcache  # noqa: E402


def main() -> None:
    store, batches_file, model, preprocessing = sys.argv[1:5]
    with open(batches_file) as file:
        batches = [[bytes.fromhex(key) for key in line.split()] for line in file if line.strip()]
    namespace = embcache.Namespace(model, preprocessing)
    cache = embcache.open(store)
    for batch in batches:
        cache.get(namespace, batch)
    seconds = []
    for batch in batches:
        start = time.perf_counter()
        records = cache.get(namespace, batch)
        seconds.append(time.perf_counter() - start)
        if any(record is None for record in records):
            raise SystemExit(f"a key of the batches is missing from {store}")
    print(json.dumps({"seconds": seconds}))


if __name__ == "__main__":
    main()
