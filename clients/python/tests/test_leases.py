"""Leases taken by ``get_or_compute`` outlive one long ``encode_fn`` call."""

from __future__ import annotations

import threading
import time

import numpy as np

import embcache

NS = embcache.Namespace("lease-test-model", "raw")


def test_a_long_encode_fn_call_keeps_its_lease(tmp_path):
    path = str(tmp_path / "cache.sqlite")
    first = embcache.open(path, writable=True)
    second = embcache.open(path, writable=True)
    for cache in (first, second):
        cache.lease_seconds = 0.3
    calls = []
    started = threading.Event()

    def slow(inputs):
        calls.append(list(inputs))
        started.set()
        time.sleep(1.2)  # four leases long: only a renewal during the call keeps the key
        return np.ones((len(inputs), 4), dtype=np.float32)

    def quick(inputs):
        calls.append(list(inputs))
        return np.zeros((len(inputs), 4), dtype=np.float32)

    results = {}
    worker = threading.Thread(target=lambda: results.update(first=first.get_or_compute(NS, ["x"], slow)))
    worker.start()
    assert started.wait(10)
    results["second"] = second.get_or_compute(NS, ["x"], quick)
    worker.join()
    assert len(calls) == 1, "the second holder encoded a key whose lease was still being renewed"
    assert np.array_equal(results["second"][0]["embedding"], np.ones(4, dtype=np.float32))
    assert np.array_equal(results["first"][0]["embedding"], np.ones(4, dtype=np.float32))
