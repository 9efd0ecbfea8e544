"""embcache.connect: the record API of a real `embcache serve` (the command line swift build made)."""

from __future__ import annotations

import multiprocessing
import os
import pathlib
import signal
import subprocess
from collections.abc import Iterator
from typing import Optional

import numpy as np
import pytest

import embcache

ml_dtypes = pytest.importorskip("ml_dtypes")

NS = embcache.Namespace("vae@1", "crop512")


class Server:
    """`embcache serve` on a free loopback port over a SQLite store; stop() sends SIGTERM."""

    def __init__(self, cli: pathlib.Path, store: pathlib.Path, tokens: Optional[str] = None) -> None:
        environment = {key: value for key, value in os.environ.items() if key != "EMBCACHE_TOKENS"}
        if tokens is not None:
            environment["EMBCACHE_TOKENS"] = tokens
        # No upstream: the server serves the record API only.
        self.process = subprocess.Popen(
            [str(cli), "serve", "--store", str(store), "--listen", "127.0.0.1:0", "--max-body-bytes", str(64 << 20)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if "listening on " not in line:
            self.process.kill()
            raise RuntimeError(f"embcache serve did not start: {line!r} {self.process.stderr.read()!r}")
        self.url = line.split("listening on ", 1)[1].split()[0]

    def stop(self) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        _, errors = self.process.communicate(timeout=30)
        return self.process.returncode, errors


@pytest.fixture
def serve(cli: pathlib.Path, tmp_path: pathlib.Path) -> Iterator:
    started: list[Server] = []

    def start(tokens: Optional[str] = None) -> Server:
        server = Server(cli, tmp_path / "cache.sqlite", tokens)
        started.append(server)
        return server

    yield start
    for server in started:
        code, _ = server.stop()
        assert code == 0


def sample(seed: int) -> dict[str, np.ndarray]:
    random = np.random.default_rng(seed)
    return {
        "latents": random.standard_normal((4, 16, 16)).astype(np.float16),
        "prompt_embeds": random.standard_normal((7, 32)).astype(ml_dtypes.bfloat16),
        "prompt_embeds_mask": random.integers(0, 2, 7).astype(bool),
        "ids": random.integers(-(2**40), 2**40, 5).astype(np.int64),
        "scale": np.float32(seed),
    }


def assert_same(found: dict[str, np.ndarray], expected: dict[str, np.ndarray]) -> None:
    assert list(found) == list(expected)
    for name, array in expected.items():
        assert found[name].dtype == np.asarray(array).dtype, name
        assert found[name].shape == np.asarray(array).shape, name
        assert found[name].tobytes() == np.asarray(array).tobytes(), name


def test_round_trips_every_dtype_and_answers_misses_with_none(serve, tmp_path: pathlib.Path) -> None:
    server = serve()
    remote = embcache.connect(server.url)
    first, second, absent = (embcache.digest(name.encode()) for name in ("first", "second", "absent"))
    remote.put(NS, first, sample(1))
    remote.put_many(NS, [(second.hex(), sample(2))])
    found = remote.get(NS, [second, absent, first, second.hex()])
    assert found[1] is None
    assert_same(found[0], sample(2))
    assert_same(found[2], sample(1))
    assert_same(found[3], sample(2))
    assert not found[0]["latents"].flags.writeable
    # What the server stored, the local reader verifies and reads alike.
    [local] = embcache.open(tmp_path / "cache.sqlite").get(NS, [first])
    assert_same(local, sample(1))


def test_reads_what_the_local_writer_stored_including_a_large_record(serve, tmp_path: pathlib.Path) -> None:
    large = {"latents": np.arange(4 << 20, dtype=np.float16).reshape(1024, 4096)}  # 8 MiB: a side file
    key = embcache.digest(b"large")
    with embcache.open(tmp_path / "cache.sqlite", writable=True) as cache:
        cache.put(NS, key, large)
    remote = embcache.connect(serve().url.removesuffix("/v1") + "/")  # the bare address
    assert_same(remote.get(NS, [key])[0], large)


def test_stores_under_the_namespaces_storage_policy_and_refuses_nan(serve) -> None:
    remote = embcache.connect(serve().url)
    half = embcache.Namespace("vae@1", "crop512", "float16")
    key = embcache.digest(b"x")
    remote.put(half, key, {"embedding": np.array([1.0, 2.5], dtype=np.float32)})
    [found] = remote.get(half, [key])
    assert found["embedding"].dtype == np.float16
    assert found["embedding"].tolist() == [1.0, 2.5]
    with pytest.raises(embcache.InvalidArgumentError, match="NaN"):
        remote.put(NS, key, {"embedding": np.array([np.nan], dtype=np.float32)})
    assert remote.get(NS, [key]) == [None]


def test_a_read_token_reads_and_only_a_write_token_puts(serve) -> None:
    server = serve(tokens="read reader-token,write writer-token")
    key = embcache.digest(b"k")
    with pytest.raises(embcache.ReadOnlyError):
        embcache.connect(server.url, token="reader-token").put(NS, key, sample(3))
    with pytest.raises(embcache.UnauthorizedError):
        embcache.connect(server.url).get(NS, [key])
    with pytest.raises(embcache.UnauthorizedError):
        embcache.connect(server.url, token="wrong").put(NS, key, sample(3))
    embcache.connect(server.url, token="writer-token").put(NS, key, sample(3))
    [found] = embcache.connect(server.url, token="reader-token").get(NS, [key])
    assert_same(found, sample(3))
    code, errors = server.stop()
    assert code == 0
    assert "reader-token" not in errors and "writer-token" not in errors


def test_a_malformed_tokens_variable_is_refused_without_printing_a_token(cli: pathlib.Path, tmp_path) -> None:
    environment = dict(os.environ, EMBCACHE_TOKENS="read fine-token,admin secret-value")
    done = subprocess.run(
        [str(cli), "serve", "--store", str(tmp_path / "c.sqlite"), "--upstream", "http://127.0.0.1:9/v1",
         "--listen", "127.0.0.1:0"],
        capture_output=True, text=True, env=environment, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert "EMBCACHE_TOKENS entry 2" in done.stderr
    assert "secret-value" not in done.stderr + done.stdout and "fine-token" not in done.stderr + done.stdout


def test_batches_beyond_one_request_and_refuses_joined_namespaces(serve) -> None:
    remote = embcache.connect(serve().url)
    keys = [embcache.digest(str(index).encode()) for index in range(5000)]
    remote.put_many(NS, [(key, {"v": np.array([index], dtype=np.int32)}) for index, key in enumerate(keys)])
    found = remote.get(NS, keys)
    assert [record["v"][0] for record in found] == list(range(5000))
    with pytest.raises(embcache.InvalidArgumentError, match="never joined text"):
        remote.get("vae@1 | crop512 | lossless", keys[:1])  # type: ignore[arg-type]


def test_an_unreachable_server_is_a_store_failure() -> None:
    with pytest.raises(embcache.StoreFailedError, match="cannot reach"):
        embcache.connect("http://127.0.0.1:9").get(NS, [embcache.digest(b"x")])


def values_read_by(remote: embcache.RemoteCache, keys: list[bytes]) -> list[int]:
    """What a spawned process (a PyTorch ``DataLoader`` worker) reads through a pickled client."""
    return [int(record["v"][0]) for record in remote.get(NS, keys)]


def test_a_client_pickled_into_a_spawned_process_reads_with_its_token(serve) -> None:
    server = serve(tokens="read reader-token,write writer-token")
    keys = [embcache.digest(bytes([index])) for index in range(3)]
    embcache.connect(server.url, token="writer-token").put_many(
        NS, [(key, {"v": np.array([index], dtype=np.int32)}) for index, key in enumerate(keys)]
    )
    remote = embcache.connect(server.url, token="reader-token")
    remote.get(NS, keys)  # the parent's own connection, which the child must not inherit
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(values_read_by, (remote, keys)) == [0, 1, 2]
    assert "reader-token" not in repr(remote)
