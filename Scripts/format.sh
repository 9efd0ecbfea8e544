#!/usr/bin/env bash
# Formats every Swift file with the repository's .swift-format, then lints strictly.
# With --check, changes nothing and fails when a file is not formatted.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--check" ]; then
    git ls-files -z '*.swift' | xargs -0 swift format lint --strict --parallel
else
    git ls-files -z '*.swift' | xargs -0 swift format format --parallel --in-place
    git ls-files -z '*.swift' | xargs -0 swift format lint --strict --parallel
fi
