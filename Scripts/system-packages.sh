#!/usr/bin/env bash
# Installs the Debian packages building embcache needs, when they are missing: SQLite's headers and
# shell, and libpng and libjpeg-turbo for the image library. Without root or apt-get, names what is
# missing and exits 1; so it does when apt-get fails.
set -euo pipefail
missing=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || missing+=(libsqlite3-dev)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
dpkg -s libpng-dev >/dev/null 2>&1 || missing+=(libpng-dev)
dpkg -s libjpeg62-turbo-dev >/dev/null 2>&1 || missing+=(libjpeg62-turbo-dev)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "embcache needs these Debian packages: ${missing[*]}; install them (as root: apt-get install ${missing[*]})" >&2
    exit 1
fi
echo "installing: ${missing[*]}"
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; }; then
    echo "embcache needs these Debian packages, and apt-get could not install them: ${missing[*]}" >&2
    exit 1
fi
