#!/usr/bin/env bash
# Builds embcache in release mode and puts it on the PATH: in $PREFIX/bin when PREFIX is set, else
# /usr/local/bin when writable, else ~/.local/bin. Installs the Debian packages the build needs
# first (Scripts/system-packages.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/system-packages.sh
swift build -c release --product embcache
if [ -n "${PREFIX:-}" ]; then
    bin="$PREFIX/bin"
elif [ -w /usr/local/bin ]; then
    bin=/usr/local/bin
else
    bin="$HOME/.local/bin"
fi
mkdir -p "$bin"
install -m 755 .build/release/embcache "$bin/embcache"
echo "installed $bin/embcache ($("$bin/embcache" --version))"
case ":$PATH:" in *":$bin:"*) ;; *) echo "add $bin to your PATH" ;; esac
