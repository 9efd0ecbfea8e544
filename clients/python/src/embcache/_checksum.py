"""The record checksum, verified on every read (docs/format.md, "Checksum")."""

from __future__ import annotations

import struct
import threading
from typing import Union

import crc32c as _crc32c
import numpy as np

from ._namespace import Namespace

#: Payloads are summed in chunks of this many bytes.
CHUNK_SIZE = 1 << 20

Buffer = Union[bytes, bytearray, memoryview]

_crc = _crc32c.crc32c

# One lane buffer per thread, so a cache may be read from several threads.
_local = threading.local()


def crc32c(data: Buffer, value: int = 0) -> int:
    """CRC32C (Castagnoli) of ``data``, continuing from ``value``.

    Args:
        data: The bytes.
        value: The CRC of the bytes before them (0 to start).

    Returns:
        The 32-bit CRC.
    """
    return _crc(data, value)


def three_lane(chunk: memoryview, scratch: np.ndarray) -> int:
    """CRC32C-3lane of one chunk: its 8-byte words dealt round-robin to three CRC32C lanes.

    The words of each whole 24-byte group go to lanes 0, 1 and 2; the tail (under 24 bytes)
    continues lane 0 bytewise. The result is
    ``CRC32C(u32le(lane₀) ‖ u32le(lane₁) ‖ u32le(lane₂) ‖ u64le(len(chunk)))``.

    Args:
        chunk: At most :data:`CHUNK_SIZE` bytes.
        scratch: A C-contiguous ``uint64`` array of shape ``(3, CHUNK_SIZE // 24)`` to gather the
            lanes into.

    Returns:
        The chunk's 32-bit sum.
    """
    groups = len(chunk) // 24
    lanes = scratch[:, :groups]
    np.copyto(lanes, np.frombuffer(chunk, dtype="<u8", count=groups * 3).reshape(groups, 3).T)
    first = _crc(chunk[groups * 24 :], _crc(lanes[0]))
    return _crc(struct.pack("<3IQ", first, _crc(lanes[1]), _crc(lanes[2]), len(chunk)))


class RecordChecksum:
    """Checksums of one namespace's records (format 2, and format 1 for old records).

    ::

        seed     = CRC32C(namespace ‖ 32 digest bytes)
        sumᵢ     = CRC32C-3lane(chunkᵢ)          chunks of 1 MiB; an empty payload is one empty chunk
        checksum = CRC32C(seed, u32le(sum₀) ‖ … ‖ u32le(sumₙ₋₁) ‖ u64le(payload length))

    Args:
        namespace: The namespace whose records are summed.
    """

    def __init__(self, namespace: Namespace) -> None:
        self._seed = _crc(namespace.framed())
        self._legacy_seed = _crc(namespace.legacy_text())

    def checksum(self, payload: Buffer, digest: bytes) -> int:
        """The checksum of ``payload`` stored under ``digest``, seeded as its magic says.

        Args:
            payload: The encoded record (``bytes``, or a ``memoryview`` of a mapped file).
            digest: The key's 32 digest bytes.

        Returns:
            The 32-bit checksum.
        """
        view = memoryview(payload).cast("B")
        namespace_seed = self._legacy_seed if view[:4] == b"ECR1" else self._seed
        seed = _crc(digest, namespace_seed)
        size = len(view)
        scratch = getattr(_local, "scratch", None)
        if scratch is None:
            scratch = _local.scratch = np.empty((3, CHUNK_SIZE // 24), dtype="<u8")
        sums = [three_lane(view[start : start + CHUNK_SIZE], scratch) for start in range(0, size, CHUNK_SIZE)]
        if not sums:
            sums = [three_lane(view, scratch)]
        return _crc(struct.pack(f"<{len(sums)}IQ", *sums, size), seed)
