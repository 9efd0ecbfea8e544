"""Storage policies: how float tensors are down-cast on write (docs/format.md, "Namespaces")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._codec import numpy_dtype
from .errors import InvalidArgumentError

# The dtype code each down-casting policy stores float32 and float64 tensors in.
_TARGETS = {"float16": 1, "float16-saturating": 1, "bfloat16": 2, "bfloat16-saturating": 2}


def apply_policy(tensors: Mapping[str, Any], storage: str) -> dict[str, np.ndarray]:
    """The tensors as a namespace with ``storage`` stores them.

    Under ``float16`` and ``bfloat16`` policies, float32 and float64 tensors are rounded to the
    nearest even value (float64 through float32, as the Swift library does); other dtypes are kept.
    A finite value that overflows the narrower type is an error, or under a ``-saturating``
    policy becomes the type's largest finite value of the same sign.

    Args:
        tensors: Names to arrays.
        storage: The namespace's storage policy.

    Returns:
        Names to arrays, in the same order.

    Raises:
        InvalidArgumentError: A value overflows and the policy does not saturate.
    """
    code = _TARGETS.get(storage)
    result = {}
    for name, value in tensors.items():
        array = np.asarray(value)
        if code is not None and array.dtype in (np.float32, np.float64):
            target = numpy_dtype(code)
            assert target is not None
            with np.errstate(over="ignore"):
                narrowed = array.astype(np.float32).astype(target)
            overflow = np.isfinite(array) & ~np.isfinite(narrowed.astype(np.float32))
            if overflow.any():
                if not storage.endswith("-saturating"):
                    raise InvalidArgumentError(
                        f"a value of tensor {name!r} overflows {target.name} storage (a -saturating storage "
                        "policy stores the largest finite value instead)"
                    )
                largest = np.where(array < 0, -1.0, 1.0) * float(np.finfo(target).max)
                narrowed = np.where(overflow, largest.astype(target), narrowed)
            array = narrowed
        result[name] = array
    return result
