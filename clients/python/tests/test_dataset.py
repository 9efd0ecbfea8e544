"""The precomputed-samples dataset against what the command line's precompute and export wrote."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import embcache
import numpy as np
import pytest
from embcache.dataset import PrecomputedDataset
from safetensors.numpy import load_file

from .conftest import run_cli

PLAN = {
    "encoders": {"vae": "builtin:bytes?dim=64", "text": "builtin:bytes?dim=16"},
    "fields": [
        {"name": "image_latents", "encoder": "vae", "inputs": "image"},
        {"name": "control_latents", "encoder": "vae", "inputs": "controls"},
        {"name": "prompt_embeds", "encoder": "text", "inputs": {"text": "prompt"}},
        {"name": "empty_prompt_embeds", "encoder": "text", "inputs": {"literal": ""}},
        {"name": "pair_latents", "encoder": "vae", "inputs": ["image", {"text": "prompt"}]},
    ],
}


def make_dataset(folder: pathlib.Path, count: int) -> tuple[pathlib.Path, pathlib.Path]:
    folder.mkdir()
    rng = np.random.default_rng(0)
    lines = []
    for index in range(count):
        for name in (f"image-{index}.png", f"control-{index}-a.png", f"control-{index}-b.png"):
            (folder / name).write_bytes(rng.integers(0, 256, 300, dtype=np.uint8).tobytes())
        controls = [f"control-{index}-a.png", f"control-{index}-b.png"]
        sample = {"id": f"s{index}", "image": f"image-{index}.png", "controls": controls, "prompt": f"prompt {index}"}
        lines.append(json.dumps(sample))
    manifest = folder / "train.jsonl"
    manifest.write_text("\n".join(lines) + "\n")
    plan = folder / "plan.json"
    plan.write_text(json.dumps(PLAN))
    return manifest, plan


def namespaces(cli: pathlib.Path, tmp_path: pathlib.Path) -> dict[str, embcache.Namespace]:
    probe = tmp_path / "probe.txt"
    probe.write_text("x")
    found = {}
    for name, spec in PLAN["encoders"].items():
        report = run_cli(cli, "embed", str(probe), "--encoder", spec, "--no-cache")
        found[name] = embcache.Namespace(**report["namespace"])
    return found


def test_samples_equal_what_export_writes(cli: pathlib.Path, tmp_path: pathlib.Path) -> None:
    manifest, plan = make_dataset(tmp_path / "data", 4)
    store = tmp_path / "cache.sqlite"
    assert run_cli(cli, "precompute", "--manifest", str(manifest), "--plan", str(plan), "--store", str(store))["failed"] == 0
    run_cli(cli, "export", "--manifest", str(manifest), "--plan", str(plan), "--out", str(tmp_path / "out"),
            "--on-miss", "error", "--store", str(store))
    dataset = PrecomputedDataset(embcache.open(store), manifest, plan, namespaces(cli, tmp_path), as_numpy=True)
    recorded = PrecomputedDataset(embcache.open(store), manifest, plan, as_numpy=True)
    assert recorded.fields == dataset.fields
    assert len(dataset) == 4
    for index in range(4):
        exported = load_file(str(tmp_path / "out" / f"s{index}.safetensors"))
        sample = dataset[index]
        assert list(sample) == [field["name"] for field in PLAN["fields"]]
        for name, array in sample.items():
            assert array.dtype == exported[name].dtype and np.array_equal(array, exported[name]), name


def test_a_missing_field_is_computed_stored_and_then_read(cli: pathlib.Path, tmp_path: pathlib.Path) -> None:
    manifest, plan = make_dataset(tmp_path / "data", 2)
    store = tmp_path / "cache.sqlite"
    calls: list[tuple[str, Any]] = []

    def fallback(field: str, sample: Any) -> np.ndarray:
        calls.append((field, sample["id"]))
        return np.full(4, len(calls), np.float32)

    ns = namespaces(cli, tmp_path)
    dataset = PrecomputedDataset(embcache.open(store, writable=True), manifest, plan, ns, fallback, as_numpy=True)
    first = dataset[1]
    assert [field for field, _ in calls] == [field["name"] for field in PLAN["fields"]]
    assert first["image_latents"].tolist() == [1.0] * 4
    calls.clear()
    assert dataset[1]["image_latents"].tolist() == [1.0] * 4 and calls == []
    without = PrecomputedDataset(embcache.open(store), manifest, plan, ns, as_numpy=True)
    try:
        without[0]
    except KeyError as error:
        assert "s0" in str(error) and "image_latents" in str(error)
    else:
        raise AssertionError("a missing field without a fallback must raise KeyError")


def test_without_a_precompute_run_the_namespaces_must_be_given(tmp_path: pathlib.Path) -> None:
    manifest, plan = make_dataset(tmp_path / "data", 1)
    with pytest.raises(embcache.InvalidArgumentError, match="records no namespace for the encoder"):
        PrecomputedDataset(embcache.open(tmp_path / "c.sqlite", writable=True), manifest, plan)


def test_a_batch_reads_each_sample_as_one_read_does_and_computes_a_shared_key_once(
    cli: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    manifest, plan = make_dataset(tmp_path / "data", 3)
    calls: list[tuple[str, Any]] = []

    def fallback(field: str, sample: Any) -> np.ndarray:
        calls.append((field, sample["id"]))
        return np.full(4, len(calls), np.float32)

    ns = namespaces(cli, tmp_path)
    dataset = PrecomputedDataset(
        embcache.open(tmp_path / "cache.sqlite", writable=True), manifest, plan, ns, fallback, as_numpy=True
    )
    batch = dataset.__getitems__([2, 0, 1])
    # The empty prompt's literal is one key for every sample: computed for the first sample only.
    assert [sample for field, sample in calls if field == "empty_prompt_embeds"] == ["s2"]
    assert len(calls) == 1 + 3 * (len(PLAN["fields"]) - 1)
    assert [list(sample) for sample in batch] == [[field["name"] for field in PLAN["fields"]]] * 3
    for index, sample in zip([2, 0, 1], batch):
        single = dataset[index]
        for name, array in sample.items():
            assert np.array_equal(array, single[name]), (index, name)
    assert batch[0]["image_latents"].tolist() != batch[1]["image_latents"].tolist()
