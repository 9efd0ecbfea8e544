#!/usr/bin/env bash
# Builds with warnings as errors and runs every test, the PostgreSQL store's against a throwaway
# server (Scripts/with-postgres.sh). Installs what it needs when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/system-packages.sh

Scripts/python-packages.sh

swift build --build-tests -Xswiftc -warnings-as-errors
# The Python package's tests (clients/python), which read and write stores beside the CLI just built
# (.build/debug/embcache). They import the worktree's source, whatever version is installed. Its
# PyTorch dataset tests need torch's CPU build (Scripts/install-torch.sh says how to get it when it
# cannot install it; they are then skipped).
Scripts/install-torch.sh
PYTHONPATH=clients/python/src python3 -m pytest -q clients/python/tests
# Serially: several suites are CPU-bound (fuzzing, repair trials) or spawn processes, and on a
# 2-core machine running them together starves the tests that measure leases and waits.
Scripts/with-postgres.sh swift test --skip-build --no-parallel "$@"
# The server's suite; its replicas test shares a throwaway PostgreSQL server.
EMBCACHE_BINARY="$(swift build --show-bin-path)/embcache" Scripts/with-postgres.sh python3 -m pytest -q Tests/server
