#!/usr/bin/env bash
# Builds with warnings as errors and runs every test, the PostgreSQL store's against a throwaway
# server (Scripts/with-postgres.sh). Installs what it needs when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || apt_packages+=(libsqlite3-dev)
command -v sqlite3 >/dev/null 2>&1 || apt_packages+=(sqlite3)
if [ ${#apt_packages[@]} -gt 0 ]; then
    echo "installing: ${apt_packages[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}"
fi

swift build --build-tests -Xswiftc -warnings-as-errors
Scripts/with-postgres.sh swift test --skip-build --parallel "$@"
