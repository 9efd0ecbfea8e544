"""Namespaces: the first half of every cache key (docs/format.md, "Keys")."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .errors import InvalidArgumentError

#: The storage policies a namespace may name: how float tensors are stored.
STORAGE_POLICIES = ("lossless", "float16", "bfloat16", "float16-saturating", "bfloat16-saturating")


@dataclass(frozen=True)
class Namespace:
    """The identity a record belongs to: model, preprocessing and storage precision.

    A change to any field is a new namespace, and so a complete miss: an upgraded model or a new
    resize never sees another namespace's records. Namespaces are always these three fields,
    never one joined text.

    Args:
        model: The model identity, such as a name with a revision, or :func:`model_identity`.
        preprocessing: The preprocessing identity, such as a name, or
            :func:`preprocessing_identity`.
        storage: The storage policy: ``lossless`` (the default), ``float16``, ``bfloat16``,
            ``float16-saturating`` or ``bfloat16-saturating``.

    Raises:
        InvalidArgumentError: A field is not text or the storage policy is unknown.
    """

    model: str
    preprocessing: str
    storage: str = "lossless"

    def __post_init__(self) -> None:
        if not isinstance(self.model, str) or not isinstance(self.preprocessing, str):
            raise InvalidArgumentError("a namespace's model and preprocessing must be text")
        if self.storage not in STORAGE_POLICIES:
            raise InvalidArgumentError(
                f"unknown storage policy {self.storage!r}; expected one of {', '.join(STORAGE_POLICIES)}"
            )

    def framed(self) -> bytes:
        """The namespace as the checksum of formats 2 and 3 seeds it.

        Returns:
            ``ECR2`` then, for model, preprocessing and storage, a u64le UTF-8 byte count and
            the bytes.
        """
        framed = b"ECR2"
        for part in (self.model, self.preprocessing, self.storage):
            encoded = part.encode()
            framed += struct.pack("<Q", len(encoded)) + encoded
        return framed

    def legacy_text(self) -> bytes:
        """The namespace as the format-1 checksum seeded it: ``model | preprocessing | storage``.

        Returns:
            The UTF-8 bytes of that text.
        """
        return f"{self.model} | {self.preprocessing} | {self.storage}".encode()


#: The namespace of the records naming the namespace each encoder specification resolved to
#: (``embcache precompute`` writes them; docs/format.md, "Encoder namespace records").
ENCODER_NAMESPACES = Namespace("embcache/encoder-namespaces", "v1")
