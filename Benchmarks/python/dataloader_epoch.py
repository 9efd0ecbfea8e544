#!/usr/bin/env python3
"""A PyTorch DataLoader epoch over precomputed samples read from embcache, against the same tensors
stored one safetensors file per sample (a training framework's own cache layout), in the same run.

Builds --samples samples of four tensors each, as a text-to-image trainer caches them (Stable
Diffusion 1.5 at 512 × 512; 153 192 bytes a sample, 1.53 GB for 10 000):

- `latents`: float16 [4, 64, 64] (the VAE's latents of the image);
- `prompt_embeds`: bfloat16 [77, 768] (the text encoder's hidden states);
- `pooled_prompt_embeds`: float16 [768];
- `attention_mask`: int64 [77].

They are stored twice:

- embcache: a precompute plan of two fields, `latents` (encoder `vae`, keyed by the sample's image
  file) and `prompt_embeds`, `pooled_prompt_embeds`, `attention_mask` (one record of encoder `text`,
  keyed by the sample's prompt), written through `Cache.get_or_compute` into one SQLite store, and
  read by `embcache.dataset.PrecomputedDataset` over the manifest and plan, as a training loop does;
- safetensors (baseline): `DIR/<id>.safetensors` per sample, read by a minimal `Dataset` whose
  `__getitem__` is `safetensors.torch.load_file`.

An epoch is a full pass of a `DataLoader` (shuffled, --batch-size, the default collation, workers
started per epoch, torch on one thread in every process) over all samples, for each --workers count. Both layouts are read once first (a
warm page cache for both), then their epochs alternate, with the same shuffle order in a pair;
figures are medians of --runs epochs. `ratio` is the safetensors epoch time over embcache's (above
1: embcache is faster).

    python3 Benchmarks/python/dataloader_epoch.py [--samples 10000] [--runs 7] [--workers 0,2] [--json]

Scripts/benchmark.sh runs it. --folder DIR keeps the built samples there and reuses them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import ml_dtypes
import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch.utils.data import DataLoader, Dataset

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python", "src"))
import embcache
from embcache.dataset import PrecomputedDataset

TEXT_NAMES = ["prompt_embeds", "pooled_prompt_embeds", "attention_mask"]
PLAN = {
    "encoders": {"vae": "sd15-vae", "text": "sd15-clip-l"},
    "fields": [
        {"name": "latents", "encoder": "vae", "inputs": "image"},
        {"names": TEXT_NAMES, "encoder": "text", "inputs": {"text": "prompt"}},
    ],
}
NAMESPACES = {
    "vae": embcache.Namespace("benchmark/sd15-vae", "resize=512;centre-crop"),
    "text": embcache.Namespace("benchmark/sd15-clip-l", "max-length=77"),
}
CHUNK = 500


def sample_tensors(index: int) -> dict[str, np.ndarray]:
    """The four tensors of sample ``index`` (bfloat16 through ml_dtypes)."""
    rng = np.random.default_rng(index)
    length = int(rng.integers(4, 78))
    return {
        "latents": rng.standard_normal((4, 64, 64), dtype=np.float32).astype(np.float16),
        "prompt_embeds": rng.standard_normal((77, 768), dtype=np.float32).astype(ml_dtypes.bfloat16),
        "pooled_prompt_embeds": rng.standard_normal(768, dtype=np.float32).astype(np.float16),
        "attention_mask": (np.arange(77) < length).astype(np.int64),
    }


def as_torch(array: np.ndarray) -> torch.Tensor:
    if array.dtype == ml_dtypes.bfloat16:
        return torch.from_numpy(array.view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(array)


def build(folder: str, count: int) -> None:
    """Writes the manifest, the plan, the embcache store and the per-sample safetensors files."""
    data, per_sample = os.path.join(folder, "data"), os.path.join(folder, "safetensors")
    os.makedirs(data)
    os.makedirs(per_sample)
    rng = np.random.default_rng(0)
    lines = []
    for index in range(count):
        # The image file keys the latents; its size does not matter to an epoch, which reads keys
        # digested when the dataset is built.
        with open(os.path.join(data, f"image-{index}.png"), "wb") as file:
            file.write(rng.integers(0, 256, 256, dtype=np.uint8).tobytes())
        lines.append(json.dumps({"id": f"s{index}", "image": f"image-{index}.png", "prompt": f"a photo, number {index}"}))
    with open(os.path.join(data, "train.jsonl"), "w") as file:
        file.write("\n".join(lines) + "\n")
    with open(os.path.join(data, "plan.json"), "w") as file:
        json.dump(PLAN, file)
    cache = embcache.open(os.path.join(folder, "cache.sqlite"), writable=True)
    for start in range(0, count, CHUNK):
        indices = range(start, min(count, start + CHUNK))
        tensors = {index: sample_tensors(index) for index in indices}
        for index, sample in tensors.items():
            save_file({name: as_torch(array) for name, array in sample.items()}, os.path.join(per_sample, f"s{index}.safetensors"))
        images = {}
        for index in indices:
            with open(os.path.join(data, f"image-{index}.png"), "rb") as file:
                images[file.read()] = index
        prompts = {f"a photo, number {index}": index for index in indices}

        def latents(batch: list[Any]) -> list[dict[str, np.ndarray]]:
            return [{"latents": tensors[images[image]]["latents"]} for image in batch]  # noqa: B023

        def text(batch: list[Any]) -> list[dict[str, np.ndarray]]:
            return [{name: tensors[prompts[prompt]][name] for name in TEXT_NAMES} for prompt in batch]  # noqa: B023

        cache.get_or_compute(NAMESPACES["vae"], list(images), latents, batch_size=CHUNK)
        cache.get_or_compute(NAMESPACES["text"], list(prompts), text, batch_size=CHUNK)
    cache.close()
    with open(os.path.join(folder, "complete"), "w") as file:
        file.write(str(count))


class SafetensorsPerSample(Dataset):  # type: ignore[type-arg]
    """The baseline: one safetensors file per sample, loaded whole by ``__getitem__``."""

    def __init__(self, folder: str, count: int) -> None:
        self.paths = [os.path.join(folder, f"s{index}.safetensors") for index in range(count)]

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return load_file(self.paths[index])


def epoch(dataset: Any, batch_size: int, workers: int, seed: int) -> float:
    """Seconds for one shuffled pass of a DataLoader over the dataset."""
    loader = DataLoader(
        dataset, batch_size=batch_size, shuffle=True, num_workers=workers, generator=torch.Generator().manual_seed(seed)
    )
    start = time.perf_counter()
    samples = 0
    for batch in loader:
        samples += len(batch["latents"])
    elapsed = time.perf_counter() - start
    assert samples == len(dataset), (samples, len(dataset))
    return elapsed


def same_samples(ours: Any, theirs: Any, indices: list[int]) -> None:
    """Both layouts hold the same tensors (checked on a few samples)."""
    for index in indices:
        mine, baseline = ours[index], theirs[index]
        assert sorted(mine) == sorted(baseline), (sorted(mine), sorted(baseline))
        for name, tensor in mine.items():
            assert tensor.dtype == baseline[name].dtype and torch.equal(tensor, baseline[name]), (index, name)


def measure(folder: str, count: int, runs: int, worker_counts: list[int], batch_size: int) -> dict[str, Any]:
    marker = os.path.join(folder, "complete")
    if not os.path.exists(marker):
        build(folder, count)
    with open(marker) as file:
        built = int(file.read())
    if built != count:
        raise SystemExit(f"{folder} holds {built} samples, not {count}: give another --folder")
    data = os.path.join(folder, "data")
    ours = PrecomputedDataset(
        embcache.open(os.path.join(folder, "cache.sqlite")),
        os.path.join(data, "train.jsonl"),
        os.path.join(data, "plan.json"),
        NAMESPACES,
    )
    theirs = SafetensorsPerSample(os.path.join(folder, "safetensors"), count)
    assert len(ours) == len(theirs) == count
    same_samples(ours, theirs, [0, count // 2, count - 1])
    layouts: dict[str, Callable[[int, int], float]] = {
        "embcache": lambda workers, seed: epoch(ours, batch_size, workers, seed),
        "safetensors": lambda workers, seed: epoch(theirs, batch_size, workers, seed),
    }
    for run_epoch in layouts.values():  # the page cache holds both layouts from here on
        run_epoch(0, 0)
    times: dict[tuple[str, int], list[float]] = {(name, w): [] for name in layouts for w in worker_counts}
    for run in range(runs):
        for workers in worker_counts:
            for name, run_epoch in layouts.items():
                times[(name, workers)].append(run_epoch(workers, run + 1))
    rows = []
    for workers in worker_counts:
        mine, baseline = statistics.median(times[("embcache", workers)]), statistics.median(times[("safetensors", workers)])
        rows.append(
            {
                "num_workers": workers,
                "embcache_s": mine,
                "safetensors_s": baseline,
                "embcache_samples_per_s": count / mine,
                "safetensors_samples_per_s": count / baseline,
                "ratio": baseline / mine,
            }
        )
    sample_bytes = sum(array.nbytes for array in sample_tensors(0).values())
    return {"samples": count, "sample_bytes": sample_bytes, "batch_size": batch_size, "runs": runs, "epochs": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workers", default="0,2", help="DataLoader num_workers counts, comma-separated")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--folder", help="keep the built samples here (reused when complete)")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    worker_counts = [int(value) for value in options.workers.split(",")]
    # Collation in this process runs on one thread, as in DataLoader workers: torch's thread pool
    # stalls for tens of milliseconds when another process holds the cores, whatever the layout.
    torch.set_num_threads(1)
    if options.folder:
        os.makedirs(options.folder, exist_ok=True)
        result = measure(options.folder, options.samples, options.runs, worker_counts, options.batch_size)
    else:
        with tempfile.TemporaryDirectory() as folder:
            result = measure(folder, options.samples, options.runs, worker_counts, options.batch_size)
    if options.json:
        print(json.dumps(result))
        return
    print(
        f"| DataLoader epoch, {result['samples']} samples of 4 tensors ({result['sample_bytes']} bytes), "
        f"batch {result['batch_size']} | embcache `PrecomputedDataset` | one safetensors file per sample (same run) |"
    )
    print("|---|---:|---:|")
    for row in result["epochs"]:
        print(
            f"| num_workers={row['num_workers']} | {row['embcache_s']:.2f} s ({row['embcache_samples_per_s']:.0f} samples/s) "
            f"| {row['safetensors_s']:.2f} s ({row['safetensors_samples_per_s']:.0f} samples/s; {row['ratio']:.2f}x) |"
        )


if __name__ == "__main__":
    main()
