"""The precomputed-samples dataset with PyTorch: tensors, DataLoader worker processes, fallbacks."""

from __future__ import annotations

import json
import os
import pathlib
import sys
import warnings
from collections.abc import Mapping
from typing import Any

import embcache
import numpy as np
import pytest
from embcache.dataset import PrecomputedDataset

from .conftest import run_cli

torch = pytest.importorskip(
    "torch",
    reason="PyTorch is not installed; Scripts/install-torch.sh installs its CPU build "
    "(pip install torch --index-url https://download.pytorch.org/whl/cpu)",
)
from safetensors.torch import load_file
from torch.utils.data import DataLoader

WORKER = pathlib.Path(__file__).with_name("sample_worker.py")
TEXT_NAMES = ["prompt_embeds", "pooled_prompt_embeds", "input_ids", "attention_mask"]
DTYPES = {
    "latents": torch.float16,
    "prompt_embeds": torch.bfloat16,
    "pooled_prompt_embeds": torch.float32,
    "input_ids": torch.int64,
    "attention_mask": torch.bool,
}
COUNT = 8
# The DataLoader start methods: fork (Linux's default) and spawn (macOS's and Windows').
CONTEXTS = [pytest.param(None, id="fork"), pytest.param("spawn", id="spawn")]


def plan() -> dict[str, Any]:
    def encoder(kind: str) -> str:
        return f"process:{sys.executable} {WORKER} --kind {kind}"

    return {
        "encoders": {"vae": encoder("image"), "text": encoder("text")},
        "fields": [
            {"name": "latents", "encoder": "vae", "inputs": "image"},
            {"names": TEXT_NAMES, "encoder": "text", "inputs": {"text": "prompt"}},
        ],
    }


def write_samples(folder: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """A manifest of COUNT samples (an image file and a prompt each) and the plan, in ``folder``."""
    folder.mkdir()
    rng = np.random.default_rng(0)
    lines = []
    for index in range(COUNT):
        (folder / f"image-{index}.png").write_bytes(rng.integers(0, 256, 500, dtype=np.uint8).tobytes())
        lines.append(json.dumps({"id": f"s{index}", "image": f"image-{index}.png", "prompt": f"a prompt {index}"}))
    manifest = folder / "train.jsonl"
    manifest.write_text("\n".join(lines) + "\n")
    plan_path = folder / "plan.json"
    plan_path.write_text(json.dumps(plan()))
    return manifest, plan_path


@pytest.fixture(scope="module")
def precomputed(cli: pathlib.Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A store ``embcache precompute`` filled, and what ``embcache export`` wrote from it."""
    folder = tmp_path_factory.mktemp("precomputed")
    manifest, plan_path = write_samples(folder / "data")
    store = folder / "cache.sqlite"
    report = run_cli(cli, "precompute", "--manifest", str(manifest), "--plan", str(plan_path), "--store", str(store))
    assert report["failed"] == 0 and report["misses"] == 2 * COUNT, report
    out = folder / "out"
    run_cli(cli, "export", "--manifest", str(manifest), "--plan", str(plan_path), "--output", str(out),
            "--on-miss", "error", "--store", str(store))
    exported = [load_file(str(out / f"s{index}.safetensors")) for index in range(COUNT)]
    return {"manifest": manifest, "plan": plan_path, "store": store, "exported": exported}


def assert_sample(sample: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    """The sample holds exactly the expected tensors, in plan order, with their dtypes and values."""
    assert list(sample) == list(DTYPES)
    for name, value in sample.items():
        assert isinstance(value, torch.Tensor), name
        assert value.dtype == DTYPES[name] == expected[name].dtype, name
        assert torch.equal(value, expected[name]), name


def test_samples_are_tensors_equal_to_what_export_writes(precomputed: dict[str, Any]) -> None:
    dataset = PrecomputedDataset(embcache.open(precomputed["store"]), precomputed["manifest"], precomputed["plan"])
    assert len(dataset) == COUNT
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch warns when it is handed a read-only array
        for index in range(COUNT):
            sample = dataset[index]
            assert_sample(sample, precomputed["exported"][index])
            for value in sample.values():
                value.zero_()  # the sample's tensors are its own: the next read is unchanged
            assert_sample(dataset[index], precomputed["exported"][index])


@pytest.mark.parametrize("context", CONTEXTS)
def test_dataloader_workers_yield_every_sample_once(precomputed: dict[str, Any], context: str | None) -> None:
    cache = embcache.open(precomputed["store"])
    dataset = PrecomputedDataset(cache, precomputed["manifest"], precomputed["plan"])
    dataset[0]  # the parent reads first, so the workers inherit (fork) or pickle (spawn) an open cache
    order = [int(index) for index in np.random.default_rng(1).permutation(COUNT)]
    loader = DataLoader(dataset, batch_size=2, sampler=order, num_workers=2, multiprocessing_context=context)
    batches = list(loader)
    assert len(batches) == COUNT // 2
    for number, batch in enumerate(batches):
        chosen = [precomputed["exported"][index] for index in order[2 * number : 2 * number + 2]]
        assert_sample(batch, {name: torch.stack([sample[name] for sample in chosen]) for name in DTYPES})


class RecordingFallback:
    """Computes a sample's field from its id, and appends ``pid id field`` to a log file per call.

    A module-level class, so that a spawned DataLoader worker can unpickle it.
    """

    def __init__(self, log: pathlib.Path) -> None:
        self.log = log

    def __call__(self, field: str, sample: Mapping[str, Any]) -> Any:
        with open(self.log, "a") as file:
            file.write(f"{os.getpid()} {sample['id']} {field}\n")
        return computed(field, sample["id"])


def computed(field: str, sample_id: str) -> Any:
    """The record RecordingFallback computes: numpy arrays of the plan's dtypes."""
    import ml_dtypes

    seed = int(sample_id[1:])
    if field == "latents":
        return np.full((4, 8, 8), seed + 0.5, np.float16)
    return {
        "prompt_embeds": np.full((8, 16), seed + 0.25, ml_dtypes.bfloat16),
        "pooled_prompt_embeds": np.full(16, -seed - 0.125, np.float32),
        "input_ids": np.arange(8, dtype=np.int64) + 2**40 * seed,
        "attention_mask": np.arange(8) < seed,
    }


def expected_fallback_batch(ids: list[str]) -> dict[str, Any]:
    """The collated batch of the fallback's records for the samples ``ids``."""
    records = [{"latents": computed("latents", i), **computed("+".join(TEXT_NAMES), i)} for i in ids]
    batch = {}
    for name in DTYPES:
        arrays = [record[name] for record in records]
        if name == "prompt_embeds":
            batch[name] = torch.from_numpy(np.stack(arrays).view(np.int16)).view(torch.bfloat16)
        else:
            batch[name] = torch.from_numpy(np.stack(arrays))
    return batch


@pytest.mark.parametrize("context", CONTEXTS)
def test_fallback_in_workers_stores_what_the_next_epoch_reads(tmp_path: pathlib.Path, context: str | None) -> None:
    manifest, plan_path = write_samples(tmp_path / "data")
    namespaces = {"vae": embcache.Namespace("test/latents", "v1"), "text": embcache.Namespace("test/text", "v1")}
    log = tmp_path / "fallback.log"
    cache = embcache.open(tmp_path / "cache.sqlite", writable=True)
    dataset = PrecomputedDataset(cache, manifest, plan_path, namespaces, fallback=RecordingFallback(log))
    order = [int(index) for index in np.random.default_rng(2).permutation(COUNT)]

    def epoch() -> None:
        loader = DataLoader(dataset, batch_size=2, sampler=order, num_workers=2, multiprocessing_context=context)
        batches = list(loader)
        assert len(batches) == COUNT // 2
        for number, batch in enumerate(batches):
            ids = [f"s{index}" for index in order[2 * number : 2 * number + 2]]
            assert_sample(batch, expected_fallback_batch(ids))

    epoch()
    calls = [line.split() for line in log.read_text().splitlines()]
    assert sorted((sample, field) for _, sample, field in calls) == sorted(
        (f"s{index}", field) for index in range(COUNT) for field in ("latents", "+".join(TEXT_NAMES))
    )
    assert str(os.getpid()) not in {pid for pid, _, _ in calls}  # computed in the worker processes
    epoch()
    assert len(log.read_text().splitlines()) == len(calls)  # the second epoch only read
    reader = PrecomputedDataset(embcache.open(tmp_path / "cache.sqlite"), manifest, plan_path, namespaces)
    for index in range(COUNT):
        expected = expected_fallback_batch([f"s{index}"])
        assert_sample(reader[index], {name: value[0] for name, value in expected.items()})


def test_float64_stays_float64_without_ml_dtypes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ml_dtypes there is no bfloat16 to convert, and float64 is not taken for it."""
    from embcache import dataset

    monkeypatch.setattr(dataset, "_BFLOAT16", None)
    tensor = dataset._tensor(np.array([1.5, -2.25]))
    assert tensor.dtype == torch.float64 and tensor.tolist() == [1.5, -2.25]
