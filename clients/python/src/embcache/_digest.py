"""Content digests: the second half of every cache key (docs/format.md, "Keys")."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Mapping
from os import PathLike
from typing import Union

from .errors import InvalidArgumentError

#: The 24 bytes that open every composite framing: ``embcache/composite/v1`` and three zero bytes.
COMPOSITE_TAG = b"embcache/composite/v1\0\0\0"

BytesLike = Union[bytes, bytearray, memoryview]


def digest(data: BytesLike) -> bytes:
    """The content digest of one input: the SHA-256 of its bytes.

    It is what ``sha256sum`` prints for a file holding the bytes (as raw bytes here; ``.hex()``
    gives the printed form). A text is keyed by its UTF-8 bytes: ``digest(text.encode())``.

    Args:
        data: The input's bytes.

    Returns:
        The 32 digest bytes.
    """
    return hashlib.sha256(data).digest()


def composite_digest(parts: Iterable[BytesLike]) -> bytes:
    """The content digest of an ordered list of parts (an image, its control images, a prompt).

    The parts are framed injectively, then hashed::

        SHA-256(tag ‖ u64le(n) ‖ u64le(len(part₁)) ‖ part₁ ‖ … ‖ u64le(len(partₙ)) ‖ partₙ)

    so ``[b"ab", b"c"]`` and ``[b"a", b"bc"]`` differ, and a one-part list differs from the
    single input of the same bytes.

    Args:
        parts: The parts' bytes, in order.

    Returns:
        The 32 digest bytes, equal to the Swift library's ``ContentDigest.composite``.
    """
    parts = list(parts)
    hasher = hashlib.sha256(COMPOSITE_TAG + struct.pack("<Q", len(parts)))
    for part in parts:
        hasher.update(struct.pack("<Q", len(part)))
        hasher.update(part)
    return hasher.digest()


def model_identity(weights_path: Union[str, PathLike[str]]) -> str:
    """A model identity derived from a weights file: ``sha256:`` and its 64-hex-digit SHA-256.

    An edited weights file is then a new namespace even when nobody bumps a version string.

    Args:
        weights_path: The weights file.

    Returns:
        The identity, as the Swift library's ``Namespace.modelIdentity(ofFileAt:)`` gives it.

    Raises:
        OSError: The file cannot be read.
    """
    hasher = hashlib.sha256()
    with open(weights_path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            hasher.update(block)
    return "sha256:" + hasher.hexdigest()


def preprocessing_identity(configuration: Mapping[str, str]) -> str:
    """A preprocessing identity derived from a configuration: ``sha256:`` and 64 hex digits.

    It is the composite digest of ``key₁, value₁, key₂, value₂, …`` with keys sorted bytewise by
    their UTF-8 bytes, so a changed resize or normalisation is a new namespace.

    Args:
        configuration: The settings, as text.

    Returns:
        The identity, as the Swift library's ``Namespace.preprocessingIdentity(_:)`` gives it.
    """
    items = sorted(((key.encode(), value.encode()) for key, value in configuration.items()))
    return "sha256:" + composite_digest(part for item in items for part in item).hex()


def digest_bytes(value: Union[BytesLike, str]) -> bytes:
    """Normalises a digest given as 32 bytes or 64 hex digits to its 32 bytes.

    Args:
        value: The digest.

    Returns:
        The 32 bytes.

    Raises:
        InvalidArgumentError: It is neither.
    """
    if type(value) is bytes and len(value) == 32:
        return value
    if isinstance(value, str):
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raw = b""
        if len(raw) != 32 or len(value) != 64:
            raise InvalidArgumentError(f"a digest must be 64 hex digits, got {len(value)} characters")
        return raw
    raw = bytes(value)
    if len(raw) != 32:
        raise InvalidArgumentError(f"a digest must be 32 bytes, got {len(raw)}")
    return raw
