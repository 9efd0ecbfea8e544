"""Shared fixtures: the repository's paths, the built command line, scratch stores."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
from typing import Any

import numpy as np
import pytest

REPOSITORY = pathlib.Path(__file__).resolve().parents[3]
VECTORS = REPOSITORY / "Tests" / "Vectors" / "format-vectors.json"


@pytest.fixture(scope="session")
def vectors() -> dict[str, Any]:
    """The format test vectors both test suites read."""
    return json.loads(VECTORS.read_text())


def cli_path() -> pathlib.Path | None:
    """The embcache binary swift build made (``$EMBCACHE_CLI`` wins), or None."""
    given = os.environ.get("EMBCACHE_CLI")
    if given:
        return pathlib.Path(given)
    for configuration in ("debug", "release"):
        candidate = REPOSITORY / ".build" / configuration / "embcache"
        if candidate.is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def cli() -> pathlib.Path:
    """The embcache command line; the cross-language tests fail without it unless told to skip."""
    found = cli_path()
    if found is None:
        if os.environ.get("EMBCACHE_SKIP_CLI_TESTS") == "1":
            pytest.skip("no embcache binary (swift build makes .build/debug/embcache)")
        pytest.fail("no embcache binary: run swift build, or set EMBCACHE_CLI (EMBCACHE_SKIP_CLI_TESTS=1 skips)")
    return found


def run_cli(cli: pathlib.Path, *arguments: str, expect: int = 0, cwd: pathlib.Path | None = None) -> Any:
    """Runs the command line with --json and returns the parsed object."""
    done = subprocess.run(
        [str(cli), *arguments, "--json"], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )
    assert done.returncode == expect, f"embcache {' '.join(arguments)} exited {done.returncode}: {done.stderr}"
    return json.loads(done.stdout)


def ramp(count: int) -> bytes:
    """The bytes i % 256 for i = 0..count-1."""
    return (np.arange(count) % 256).astype(np.uint8).tobytes()
