#!/bin/sh
# Measures the SQLite store's layout (page size, side-file threshold) on a release build.
# Usage: Scripts/measure-sqlite-layout.sh [record count, default 100000] [scratch folder]
set -eu
cd "$(dirname "$0")/.."
swift build -c release --package-path Benchmarks --product embcache-layout-probe
exec Benchmarks/.build/release/embcache-layout-probe "$@"
