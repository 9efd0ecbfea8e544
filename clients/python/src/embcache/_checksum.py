"""The record checksum, verified on every read (docs/format.md, "Checksum")."""

from __future__ import annotations

import functools
import itertools
import struct
import threading
from collections.abc import Iterable
from typing import Union

import crc32c as _crc32c
import numpy as np

from ._codec import MAGIC
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
    """CRC32C-3lane of one chunk (formats 1 and 2): its 8-byte words dealt round-robin to three lanes.

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


_MAGIC_BYTES = np.frombuffer(MAGIC, np.uint8)
_pack_summary = struct.Struct("<3IQ").pack
_pack_final = struct.Struct("<IQ").pack
# Below this many bytes a chunk's lanes are gathered by memoryview slicing, without numpy's overhead.
_SMALL = 1 << 16
# From this many records of one size on, checksums() gathers their lanes with one numpy copy.
_BATCH = 8


class _LastSteps:
    """The steps of format-3 checksums after each payload's own CRC, for many records at once.

    A record of one chunk has ``checksum = CRC32C(CRC32C(seed, digest), u32le(sum) ‖ u64le(size))``.
    CRC32C is affine over GF(2) in its starting value and in the bits of a message of fixed
    length, so for records of one size this is

    ::

        checksum = K ⊕ ⨁ⱼ D[j][digestⱼ] ⊕ ⨁ₖ S[k][sumₖ]      K = CRC32C(CRC32C(seed, 0³²), 0⁴ ‖ u64le(size))

    where ``digestⱼ`` is the digest's byte j (0-31), ``sumₖ`` the sum's byte k (0-3), and each
    table holds, for every byte value, that byte's share of the result. numpy looks up a batch's
    36 entries per record at once, instead of two CRC calls and a pack per record.
    """

    def __init__(self) -> None:
        zeros12 = bytes(12)
        base12, base32 = _crc(zeros12), _crc(bytes(32))

        def from_start(value: int) -> int:  # What a starting value adds to a 12-byte CRC.
            return _crc(zeros12, value) ^ base12

        def digest_byte(index: int, bit: int) -> int:
            message = bytearray(32)
            message[index] = 1 << bit
            return from_start(_crc(message) ^ base32)

        def sum_byte(index: int, bit: int) -> int:
            message = bytearray(12)
            message[index] = 1 << bit
            return _crc(message) ^ base12

        bases = [[digest_byte(index, bit) for bit in range(8)] for index in range(32)]
        bases += [[sum_byte(index, bit) for bit in range(8)] for index in range(4)]
        # A byte value's entry is the XOR of its set bits' entries: [table, value, bit], reduced.
        bits = (np.arange(256)[:, None] >> np.arange(8)) & 1
        shares = np.where(bits[None, :, :] == 1, np.array(bases, np.uint32)[:, None, :], np.uint32(0))
        self._tables = np.bitwise_xor.reduce(shares, axis=2).reshape(-1)
        self._offsets = np.arange(36, dtype=np.intp) * 256

    def checksums(self, seed: int, size: int, digests: bytes, sums: np.ndarray) -> np.ndarray:
        """The checksums of records of ``size`` bytes.

        Args:
            seed: The namespace's seed.
            size: The payloads' size.
            digests: The records' digests, end to end.
            sums: The payloads' CRC32C, one ``uint32`` per record.

        Returns:
            One ``uint32`` checksum per record.
        """
        constant = _crc(_pack_final(0, size), _crc(bytes(32), seed))
        count = len(sums)
        message = np.concatenate(
            (np.frombuffer(digests, np.uint8).reshape(count, 32), sums.astype("<u4").view(np.uint8).reshape(count, 4)),
            axis=1,
        )
        return np.bitwise_xor.reduce(self._tables[self._offsets + message], axis=1) ^ np.uint32(constant)


@functools.cache
def _last_steps_tables() -> _LastSteps:
    """The tables, made at the first use in the process (under a millisecond)."""
    return _LastSteps()


def _scratch() -> np.ndarray:
    scratch = getattr(_local, "scratch", None)
    if scratch is None:
        scratch = _local.scratch = np.empty((3, CHUNK_SIZE // 24), dtype="<u8")
    return scratch


class RecordChecksum:
    """Checksums of one namespace's records (format 3, and formats 1 and 2 for old records).

    ::

        seed     = CRC32C(namespace ‖ 32 digest bytes)
        sumᵢ     = CRC32C(chunkᵢ)                chunks of 1 MiB; an empty payload is one empty chunk
        checksum = CRC32C(seed, u32le(sum₀) ‖ … ‖ u32le(sumₙ₋₁) ‖ u64le(payload length))

    Records of formats 1 and 2 sum each chunk with CRC32C-3lane (:func:`three_lane`) instead.

    Args:
        namespace: The namespace whose records are summed.
    """

    def __init__(self, namespace: Namespace) -> None:
        self._seed = _crc(namespace.framed())
        self._legacy_seed = _crc(namespace.legacy_text())

    def _namespace_seed(self, payload: Buffer) -> int:
        return self._legacy_seed if payload[:4] == b"ECR1" else self._seed

    def checksum(self, payload: Buffer, digest: bytes) -> int:
        """The checksum of ``payload`` stored under ``digest``, as its magic says.

        A format-3 payload is summed in place, one CRC32C per 1 MiB slice of it: a mapped side
        file is never copied.

        Args:
            payload: The encoded record (``bytes``, or a ``memoryview`` of a mapped file).
            digest: The key's 32 digest bytes.

        Returns:
            The 32-bit checksum.
        """
        view = memoryview(payload).cast("B")
        seed = _crc(digest, self._namespace_seed(view))
        size = len(view)
        if view[:4] == MAGIC:
            if size <= CHUNK_SIZE:
                return _crc(_pack_final(_crc(view), size), seed)
            sums = [_crc(view[start : start + CHUNK_SIZE]) for start in range(0, size, CHUNK_SIZE)]
            return _crc(struct.pack(f"<{len(sums)}IQ", *sums, size), seed)
        if size < _SMALL:
            groups = size // 24
            words = view[: groups * 24].cast("Q")
            first = _crc(view[groups * 24 :], _crc(words[0::3].tobytes()))
            total = _crc(_pack_summary(first, _crc(words[1::3].tobytes()), _crc(words[2::3].tobytes()), size))
            return _crc(_pack_final(total, size), seed)
        scratch = _scratch()
        sums = [three_lane(view[start : start + CHUNK_SIZE], scratch) for start in range(0, size, CHUNK_SIZE)]
        return _crc(struct.pack(f"<{len(sums)}IQ", *sums, size), seed)

    def _single_chunk(self, payloads: Iterable[Buffer], sizes: Iterable[int], digests: list[bytes]) -> list[int]:
        """The checksums of format-3 payloads of at most one chunk each, each step mapped over
        the whole batch: no interpreted code per record."""
        seeds = map(_crc, digests, itertools.repeat(self._seed))
        return list(map(_crc, map(_pack_final, map(_crc, payloads), sizes), seeds))

    def stacked_checksums(self, stacked: np.ndarray, digests: list[bytes]) -> np.ndarray:
        """The checksums of payloads laid end to end, one per row of ``stacked``, as
        :meth:`checksums` gives them.

        Args:
            stacked: A C-contiguous ``uint8`` array, one payload per row (all one size).
            digests: The payloads' keys' digests, in row order.

        Returns:
            One ``uint32`` checksum per row, in order.
        """
        size = stacked.shape[1]
        if len(MAGIC) <= size <= CHUNK_SIZE and (stacked[:, : len(MAGIC)] == _MAGIC_BYTES).all():
            sums = np.fromiter(map(_crc, stacked), np.uint32, len(stacked))
            return _last_steps_tables().checksums(self._seed, size, b"".join(digests), sums)
        return np.array(self.checksums(list(map(memoryview, stacked)), digests), np.uint32)

    def checksums(self, payloads: list[Buffer], digests: list[bytes]) -> list[int]:
        """The checksums of many payloads, as :meth:`checksum` gives them one by one.

        Format-3 payloads are summed with each step mapped over the whole batch. Small payloads of
        formats 1 and 2, all of one size (a batch of embeddings), have their lanes gathered
        together, in one numpy copy, which saves most of the per-record cost.

        Args:
            payloads: The encoded records.
            digests: Their keys' digests, in the same order.

        Returns:
            One checksum per payload, in order.
        """
        current = [payload[:4] == MAGIC for payload in payloads]
        sizes = list(map(len, payloads))
        if all(current) and (not sizes or max(sizes) <= CHUNK_SIZE):
            return self._single_chunk(payloads, sizes, digests)
        if all(current):
            return [self.checksum(payload, digest) for payload, digest in zip(payloads, digests)]
        size = sizes[0] if len(set(sizes)) == 1 else -1
        if any(current) or len(payloads) < _BATCH or not 24 <= size < _SMALL:
            return [self.checksum(payload, digest) for payload, digest in zip(payloads, digests)]
        groups = size // 24
        stacked = np.frombuffer(b"".join(payloads), dtype=np.uint8).reshape(len(payloads), size)
        lanes = np.ascontiguousarray(stacked[:, : groups * 24].view("<u8").reshape(-1, groups, 3).transpose(0, 2, 1))
        view = lanes.data.cast("B")
        lane, record, tail = groups * 8, groups * 24, groups * 24
        sums = []
        crc, pack_summary, pack_final, seed, legacy = _crc, _pack_summary, _pack_final, self._seed, self._legacy_seed
        for offset, payload, digest in zip(range(0, len(payloads) * record, record), payloads, digests):
            first = crc(payload[tail:], crc(view[offset : offset + lane]))
            second = crc(view[offset + lane : offset + 2 * lane])
            third = crc(view[offset + 2 * lane : offset + record])
            namespace_seed = legacy if payload[:4] == b"ECR1" else seed
            sums.append(crc(pack_final(crc(pack_summary(first, second, third, size)), size), crc(digest, namespace_seed)))
        return sums
