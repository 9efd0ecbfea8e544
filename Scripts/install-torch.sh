#!/usr/bin/env bash
# Installs PyTorch's CPU build for the Python package's PyTorch tests and benchmark when python3
# cannot import torch. PyPI's own torch wheels pull in gigabytes of CUDA libraries, so only a CPU
# wheel from the folder $EMBCACHE_TORCH_WHEELS (default /opt/wheels) is installed, the one pip finds
# for this Python. Without one it installs nothing, says what is missing and how to install it, and
# exits 0: the PyTorch tests then skip and the benchmark leaves out its DataLoader rows.
set -euo pipefail
python3 -c "import torch" 2>/dev/null && exit 0
folder=${EMBCACHE_TORCH_WHEELS:-/opt/wheels}
shopt -s nullglob
for wheel in "$folder"/torch-*+cpu-*.whl; do
    # torch-2.13.0+cpu-cp311-…whl names the version 2.13.0+cpu: no PyPI wheel has that local
    # version, so pip takes it from the folder, and only if it fits this Python and platform.
    version=$(basename "$wheel" | cut -d- -f2)
    if pip install --quiet --find-links "$folder" "torch==$version"; then
        exit 0
    fi
done
python3_version=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
echo "install-torch.sh: PyTorch is missing (python3 cannot import torch) and $folder holds no CPU" \
    "wheel of torch for Python $python3_version on this platform, so the PyTorch tests are skipped" \
    "and the DataLoader benchmark is not run." \
    "Install the CPU build with: pip install torch --index-url https://download.pytorch.org/whl/cpu" >&2
