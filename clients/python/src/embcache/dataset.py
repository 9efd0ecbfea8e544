"""A map-style dataset over the samples ``embcache precompute`` cached (extra ``torch``).

It keys every sample's fields exactly as the precompute plan does, reads them from the store by
key (verified), and returns each sample as a dict of tensors named by the plan's ``name`` /
``names``: ``torch.Tensor`` when PyTorch is installed, numpy arrays otherwise. It subclasses
``torch.utils.data.Dataset`` when PyTorch is installed, and is safe with ``DataLoader`` worker
processes, forked or spawned (each opens its own connection to the store).
"""

from __future__ import annotations

import json
import os
import pathlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from ._cache import Cache
from ._digest import composite_digest, digest
from ._namespace import ENCODER_NAMESPACES, Namespace
from .errors import InvalidArgumentError, UnknownNamespaceError

try:  # PyTorch is optional: without it the dataset returns numpy arrays.
    import torch
    from torch.utils.data import Dataset as _Base
except ImportError:  # pragma: no cover - depends on the environment
    torch = None
    _Base = object

try:  # Records hold bfloat16 only where ml_dtypes is installed.
    import ml_dtypes

    _BFLOAT16: Any = np.dtype(ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover - depends on the environment
    _BFLOAT16 = None

#: Computes a missing field: called with the field's name and the sample (the manifest's object);
#: returns the field's record (names to arrays, in the plan's order), or one array for a one-name field.
Fallback = Callable[[str, Mapping[str, Any]], Any]


class PrecomputedDataset(_Base):  # type: ignore[misc,valid-type]
    """The samples of a manifest, each a dict of its plan fields' tensors, read from the cache.

    Args:
        cache: The cache ``precompute`` filled (writable when ``fallback`` is given).
        manifest: The manifest (JSON lines, one object with a unique ``id`` per sample).
        plan: The precompute plan (a path to its JSON, or the parsed object).
        namespaces: The namespace of each of the plan's encoders, by encoder name; those not
            given are read from the store, where ``embcache precompute`` records the namespace
            each encoder resolved to (docs/format.md, "Encoder namespace records").
        fallback: Computes a field that is not cached; its record is stored, so the next epoch
            reads it. Without it, a missing field raises ``KeyError`` naming sample and field.
        as_numpy: Return numpy arrays even when PyTorch is installed.

    Raises:
        InvalidArgumentError: The manifest or plan is malformed, or an encoder has no namespace.
        OSError: The manifest, the plan or an input file cannot be read.
    """

    def __init__(
        self,
        cache: Cache,
        manifest: str | os.PathLike[str],
        plan: str | os.PathLike[str] | Mapping[str, Any],
        namespaces: Mapping[str, Namespace] | None = None,
        fallback: Fallback | None = None,
        as_numpy: bool = False,
    ) -> None:
        self.cache = cache
        self.fallback = fallback
        self.as_numpy = as_numpy or torch is None
        manifest_path = pathlib.Path(manifest)
        self.samples = [json.loads(line) for line in manifest_path.read_text().splitlines() if line.strip()]
        plan = plan if isinstance(plan, Mapping) else json.loads(pathlib.Path(plan).read_text())
        resolved = dict(namespaces or {})
        storage = plan.get("store_dtype") or "lossless"
        self.fields = []
        for field in plan.get("fields", []):
            names = field["names"] if "names" in field else [field["name"]]
            encoder = field["encoder"]
            if encoder not in resolved:
                resolved[encoder] = recorded_namespace(cache, plan["encoders"][encoder], storage)
            self.fields.append((names, resolved[encoder], field["inputs"]))
        folder = manifest_path.parent
        # Digest every input once: epochs then only look keys up.
        self.keys = [[_key(inputs, sample, folder) for _, _, inputs in self.fields] for sample in self.samples]

    def __len__(self) -> int:
        return len(self.samples)

    def __getstate__(self) -> dict[str, Any]:
        """The dataset's state for pickling, as a spawned ``DataLoader`` worker receives it.

        A cache's connections belong to the process that opened them: the cache travels as its
        path and mode, and is opened again where the dataset is unpickled.

        Returns:
            The attributes, the cache replaced by where to open it.
        """
        state = self.__dict__.copy()
        if isinstance(self.cache, Cache):
            state["cache"] = _CacheLocation(self.cache.path, self.cache.writable)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restores a pickled dataset, opening its cache again (see :meth:`__getstate__`).

        Args:
            state: What :meth:`__getstate__` returned.
        """
        location = state["cache"]
        if isinstance(location, _CacheLocation):
            state = dict(state, cache=Cache(location.path, writable=location.writable))
        self.__dict__.update(state)

    def __getitem__(self, index: int) -> dict[str, Any]:
        """The sample's tensors, named by the plan, in plan order.

        Args:
            index: The sample's position in the manifest.

        Returns:
            Tensor names to tensors (or numpy arrays).

        Raises:
            KeyError: A field is not cached and there is no fallback.
        """
        return self.__getitems__([index])[0]

    def __getitems__(self, indices: Sequence[int]) -> list[dict[str, Any]]:
        """Several samples, as :meth:`__getitem__` returns each, read with one get per field.

        A ``DataLoader`` with a ``batch_size`` calls it with a batch's indices (PyTorch 2.0 and
        later). Each missing field is computed once per batch, however many samples share its key.

        Args:
            indices: The samples' positions in the manifest.

        Returns:
            One dict of tensors (or numpy arrays) per index, in order.

        Raises:
            KeyError: A field is not cached and there is no fallback.
        """
        results: list[dict[str, Any]] = [{} for _ in indices]
        convert = _array if self.as_numpy else _tensor
        for column, (names, namespace, _) in enumerate(self.fields):
            keys = [self.keys[index][column] for index in indices]
            try:
                records: list[Any] = self.cache.get(namespace, keys)
            except UnknownNamespaceError:
                records = [None] * len(keys)
            computed: dict[bytes, Any] = {}
            for result, index, key, record in zip(results, indices, keys, records):
                sample = self.samples[index]
                if record is None:
                    record = computed.get(key)
                    if record is None:
                        record = computed[key] = self._compute(names, namespace, key, sample)
                if len(record) != len(names):
                    raise InvalidArgumentError(
                        f"sample {sample.get('id')!r} field {'+'.join(names)} has {len(record)} tensors, "
                        f"the plan names {len(names)}"
                    )
                for name, array in zip(names, record.values()):
                    result[name] = convert(array)
        return results

    def _compute(self, names: list[str], namespace: Namespace, key: bytes, sample: Mapping[str, Any]) -> Any:
        field = "+".join(names)
        if self.fallback is None:
            raise KeyError(f"sample {sample.get('id')!r} field {field} is not cached; run embcache precompute")
        produced = self.fallback(field, sample)
        record = dict(produced) if isinstance(produced, Mapping) else {names[0]: produced}
        self.cache.put(namespace, key, record)
        [stored] = self.cache.get(namespace, [key])
        return stored


class _CacheLocation(NamedTuple):
    """Where a pickled dataset's cache is opened again: the store's path, and whether writable."""

    path: str
    writable: bool


def recorded_namespace(cache: Cache, specification: str, storage: str = "lossless") -> Namespace:
    """The namespace ``embcache precompute`` recorded for an encoder specification.

    Args:
        cache: The store precompute filled.
        specification: The encoder specification as the plan writes it (``builtin:bytes?dim=64``).
        storage: The plan's storage policy (its ``store_dtype``, else ``lossless``).

    Returns:
        The namespace the last precompute run of that specification used.

    Raises:
        InvalidArgumentError: None is recorded (precompute never ran the specification here).
    """
    key = composite_digest([b"embcache/encoder-namespace/v1", specification.encode(), storage.encode()])
    try:
        [record] = cache.get(ENCODER_NAMESPACES, [key])
    except UnknownNamespaceError:
        record = None
    if record is None:
        raise InvalidArgumentError(
            f"the store at {cache.path} records no namespace for the encoder {specification!r} ({storage}); "
            "run embcache precompute with this plan, or pass namespaces"
        )
    fields = {name: bytes(record[name]).decode() for name in ("model", "preprocessing", "storage")}
    return Namespace(**fields)


def _array(array: np.ndarray) -> np.ndarray:
    """The array as it is (what ``as_numpy`` returns)."""
    return array


def _tensor(array: np.ndarray) -> Any:
    """A torch tensor owning a copy of the array (bfloat16 through its 16-bit pattern).

    The cache's arrays are read-only views of what it read; the tensor gets the one copy a
    trainer may write to.
    """
    # Without ml_dtypes no record holds bfloat16; and numpy's dtype == None is float64.
    if _BFLOAT16 is not None and array.dtype == _BFLOAT16:
        return torch.from_numpy(array.view(np.int16).copy()).view(torch.bfloat16)
    return torch.from_numpy(array.copy())


def _key(inputs: Any, sample: Mapping[str, Any], folder: pathlib.Path) -> bytes:
    """The content digest precompute keys a field's inputs by (docs/cli.md, "The plan")."""
    sources = inputs if isinstance(inputs, list) else [inputs]
    if len(sources) == 1:
        source = sources[0]
        if isinstance(source, str):
            value = _value(source, sample)
            if isinstance(value, list):
                return composite_digest(_read(path, folder) for path in value)
            return digest(_read(value, folder))
        return digest(_text(source, sample))
    parts = []
    for source in sources:
        if isinstance(source, str):
            value = _value(source, sample)
            if not isinstance(value, str):
                raise InvalidArgumentError(f"sample {sample.get('id')!r} key {source!r} must be one path in a composite")
            parts.append(_read(value, folder))
        else:
            parts.append(_text(source, sample))
    return composite_digest(parts)


def _value(key: str, sample: Mapping[str, Any]) -> Any:
    if key not in sample:
        raise InvalidArgumentError(f"sample {sample.get('id')!r} has no key {key!r}")
    return sample[key]


def _text(source: Mapping[str, str], sample: Mapping[str, Any]) -> bytes:
    if "literal" in source:
        return source["literal"].encode()
    value = _value(source["text"], sample)
    if not isinstance(value, str):
        raise InvalidArgumentError(f"sample {sample.get('id')!r} key {source['text']!r} is not a string")
    return value.encode()


def _read(path: str, folder: pathlib.Path) -> bytes:
    return (folder / path).read_bytes()
