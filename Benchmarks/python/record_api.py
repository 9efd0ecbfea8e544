#!/usr/bin/env python3
"""The record API of `embcache serve` serving an 8 MiB record over loopback, against baselines
measured in the same run.

Starts `embcache serve` on a free loopback port over a fresh SQLite store, puts one 8 MiB float16
record (a side file, as every large record is), then reads it again and again:

- record API: `POST /v1/records/get` for the record, on one keep-alive HTTP/1.1 connection, the
  answer read into a preallocated buffer (what `embcache.connect(...).get` does);
- `embcache.connect(...).get`: the same through the Python client (which also parses the
  safetensors answer into numpy arrays);
- static route (baseline): the same number of bytes served from memory by Python's own
  `http.server` on another loopback port, read by the same client code (the transfer alone: no
  lookup, no checksum);
- file (baseline): the same bytes read from a file in the page cache into a preallocated buffer.

Each figure is the median of --runs reads after two warm-up reads, in GB/s (10^9 bytes per second).

    python3 Benchmarks/python/record_api.py --embcache .build/release/embcache [--runs 41] [--json]
"""

import argparse
import http.client
import http.server
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "clients", "python", "src"))
import numpy as np  # noqa: E402

import embcache  # noqa: E402

NAMESPACE = embcache.Namespace("benchmark/vae@1", "crop512")
SHAPE = (1024, 4096)  # float16: 8 MiB


def read_body(response: http.client.HTTPResponse) -> bytearray:
    """The whole answer, read into one buffer of its Content-Length."""
    buffer = bytearray(int(response.getheader("Content-Length")))
    view = memoryview(buffer)
    done = 0
    while done < len(buffer):
        count = response.readinto(view[done:])
        if not count:
            raise RuntimeError("the answer ended early")
        done += count
    view.release()
    return buffer


def connect(host: str, port: int) -> http.client.HTTPConnection:
    """A keep-alive connection with Nagle's algorithm off, as the Python client's."""
    connection = http.client.HTTPConnection(host, port, timeout=60)
    connection.connect()
    connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return connection


def rate(read, size: int, runs: int) -> float:
    """The median GB/s of `runs` calls of `read` (after two warm-up calls), each moving `size` bytes."""
    read()
    read()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        read()
        times.append(time.perf_counter() - started)
    return size / statistics.median(times) / 1e9


class StaticHandler(http.server.BaseHTTPRequestHandler):
    """Answers every GET with the same bytes, from memory."""

    protocol_version = "HTTP/1.1"
    body = b""

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *_: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embcache", required=True, help="the embcache binary (a release build)")
    parser.add_argument("--runs", type=int, default=41)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen(
            [options.embcache, "serve", "--store", os.path.join(folder, "cache.sqlite"),
             "--upstream", "http://127.0.0.1:9/v1", "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        try:
            line = server.stdout.readline()
            if "listening on " not in line:
                raise RuntimeError(f"embcache serve did not start: {line!r}")
            url = line.split("listening on ", 1)[1].split()[0]
            result = measure(url, folder, options.runs)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    if options.json:
        print(json.dumps(result))
        return
    api = result["record_api_gb_per_s"]
    print("| 8 MiB float16 record over loopback | GB/s | ratio to the static route (same run) |")
    print("|---|---:|---:|")
    print(f"| record API, POST /v1/records/get | {api:.2f} | {api / result['static_gb_per_s']:.2f}x |")
    client = result["python_client_gb_per_s"]
    print(f"| the same through embcache.connect(...).get | {client:.2f} | {client / result['static_gb_per_s']:.2f}x |")
    print(f"| static route: the same bytes from memory, Python http.server | {result['static_gb_per_s']:.2f} | 1.00x |")
    print(f"| file in the page cache, readinto | {result['file_gb_per_s']:.2f} | {result['file_gb_per_s'] / result['static_gb_per_s']:.2f}x |")


def measure(url: str, folder: str, runs: int) -> dict:
    record = {"latents": (np.arange(np.prod(SHAPE)) % 2048).astype(np.float16).reshape(SHAPE)}
    key = embcache.digest(b"the benchmark's record")
    remote = embcache.connect(url)
    remote.put(NAMESPACE, key, record)
    [found] = remote.get(NAMESPACE, [key])
    assert found is not None and found["latents"].tobytes() == record["latents"].tobytes()

    parsed = urllib.parse.urlsplit(url)
    connection = connect(parsed.hostname, parsed.port)
    request = json.dumps({
        "namespace": {"model": NAMESPACE.model, "preprocessing": NAMESPACE.preprocessing, "storage": NAMESPACE.storage},
        "digests": [key.hex()],
    })
    answer_size = [0]

    def record_api() -> None:
        connection.request("POST", "/v1/records/get", body=request, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        answer_size[0] = len(read_body(response))

    size = record["latents"].nbytes
    api = rate(record_api, size, runs)
    client = rate(lambda: remote.get(NAMESPACE, [key]), size, runs)

    StaticHandler.body = bytes(bytearray(answer_size[0]))
    static_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StaticHandler)
    thread = threading.Thread(target=static_server.serve_forever, daemon=True)
    thread.start()
    static_connection = connect("127.0.0.1", static_server.server_address[1])

    def static_route() -> None:
        static_connection.request("GET", "/record")
        read_body(static_connection.getresponse())

    static = rate(static_route, size, runs)
    static_server.shutdown()

    path = os.path.join(folder, "record.bin")
    with open(path, "wb") as file:
        file.write(record["latents"].tobytes())
    buffer = bytearray(size)

    def file_read() -> None:
        with open(path, "rb", buffering=0) as file:
            file.readinto(buffer)

    return {
        "record_bytes": size,
        "answer_bytes": answer_size[0],
        "record_api_gb_per_s": api,
        "python_client_gb_per_s": client,
        "static_gb_per_s": static,
        "file_gb_per_s": rate(file_read, size, runs),
    }


if __name__ == "__main__":
    main()
