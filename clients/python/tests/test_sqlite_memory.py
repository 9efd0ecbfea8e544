"""SQLite's memory statistics: off after the first store a process opens, unless SQLite was in use."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

import embcache
from embcache import _sqlite_memory

pytestmark = pytest.mark.skipif(not _sqlite_memory._supported(), reason="done on Linux x86-64 and arm64 only")

PACKAGE = str(pathlib.Path(embcache.__file__).resolve().parents[1])


def run(script: str, store: pathlib.Path, **environment: str) -> str:
    """Runs ``script`` in a new interpreter (a process whose SQLite nothing has used yet)."""
    env = {key: value for key, value in os.environ.items() if key != "EMBCACHE_SQLITE_MEMSTATUS"}
    env.update(PYTHONPATH=PACKAGE, **environment)
    done = subprocess.run(
        [sys.executable, "-c", script, str(store)], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout.strip()


@pytest.fixture()
def store(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "cache.sqlite"
    with embcache.open(path, writable=True) as cache:
        cache.put(embcache.Namespace("m", "p"), embcache.digest(b"x"), {"e": [1.0, 2.0]})
    return path


READ = """
import sys, embcache
from embcache import _sqlite_memory
before = _sqlite_memory.statistics_off()
[found] = embcache.open(sys.argv[1]).get(embcache.Namespace("m", "p"), [embcache.digest(b"x")])
print(before, _sqlite_memory.statistics_off(), found["e"].tolist())
"""


def test_the_first_store_opened_turns_them_off(store: pathlib.Path) -> None:
    assert run(READ, store) == "False True [1.0, 2.0]"


def test_they_stay_on_when_asked(store: pathlib.Path) -> None:
    assert run(READ, store, EMBCACHE_SQLITE_MEMSTATUS="1") == "False False [1.0, 2.0]"


def test_they_stay_on_while_another_connection_is_open(store: pathlib.Path) -> None:
    """SQLite cannot be restarted under an open connection: it is left as it is, and still works."""
    script = """
import sqlite3, sys
other = sqlite3.connect(":memory:")
other.execute("CREATE TABLE t (x)")
import embcache
from embcache import _sqlite_memory
[found] = embcache.open(sys.argv[1]).get(embcache.Namespace("m", "p"), [embcache.digest(b"x")])
other.execute("INSERT INTO t VALUES (7)")
print(_sqlite_memory.statistics_off(), found["e"].tolist(), other.execute("SELECT x FROM t").fetchall())
"""
    assert run(script, store) == "False [1.0, 2.0] [(7,)]"
