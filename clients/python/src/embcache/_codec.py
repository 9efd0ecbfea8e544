"""The record encoding (docs/format.md, "Record encoding"): named tensors to bytes and back."""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import Any, Optional, Union

import numpy as np

from .errors import InvalidArgumentError

#: The magic of the record format written: "ECR3" (format 3).
MAGIC = b"ECR3"
#: The magics of the older formats, read as well (same layout, another checksum).
LEGACY_MAGICS = (b"ECR2", b"ECR1")
ALIGNMENT = 16
MAXIMUM_RANK = 255
MAXIMUM_NAME_BYTES = 0xFFFF

# The stable one-byte dtype codes of the encoding, with each dtype's numpy name.
_NUMPY_DTYPES = {
    0: "<f4",
    1: "<f2",
    2: "bfloat16",
    3: "<f8",
    4: "<i8",
    5: "<i4",
    6: "<i2",
    7: "i1",
    8: "u1",
    9: "bool",
}
_CODES = {np.dtype(name): code for code, name in _NUMPY_DTYPES.items() if name != "bfloat16"}

_dtype_cache: dict[int, np.dtype] = {}


def _bfloat16() -> np.dtype:
    try:
        import ml_dtypes
    except ImportError as error:
        raise InvalidArgumentError(
            "bfloat16 tensors need the ml_dtypes package (pip install ml_dtypes)"
        ) from error
    return np.dtype(ml_dtypes.bfloat16)


def numpy_dtype(code: int) -> Optional[np.dtype]:
    """The numpy dtype of a record-encoding dtype code, or ``None`` for an unknown code.

    Args:
        code: The one-byte code.

    Returns:
        The little-endian numpy dtype (bfloat16 through ``ml_dtypes``).
    """
    found = _dtype_cache.get(code)
    if found is None:
        name = _NUMPY_DTYPES.get(code)
        if name is None:
            return None
        found = _dtype_cache[code] = _bfloat16() if name == "bfloat16" else np.dtype(name)
    return found


def dtype_code(dtype: np.dtype) -> int:
    """The record-encoding code of a numpy dtype.

    Args:
        dtype: float32, float16, bfloat16 (ml_dtypes), float64, int64, int32, int16, int8,
            uint8 or bool, in either byte order.

    Returns:
        The one-byte code.

    Raises:
        InvalidArgumentError: The dtype cannot be stored.
    """
    code = _CODES.get(dtype.newbyteorder("<") if dtype.byteorder == ">" else dtype)
    if code is None and dtype.name == "bfloat16":
        code = 2
    if code is None:
        raise InvalidArgumentError(
            f"dtype {dtype} cannot be stored; use float32, float16, bfloat16, float64, int64, int32, "
            "int16, int8, uint8 or bool"
        )
    return code


def _padded(count: int) -> int:
    return (count + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT


def _little_endian(array: np.ndarray) -> np.ndarray:
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    # Not np.ascontiguousarray, which makes a scalar (rank 0) a vector.
    return array if array.flags.c_contiguous else array.copy(order="C")


def encode(tensors: Mapping[str, Any], magic: bytes = MAGIC) -> bytes:
    """Encodes named tensors as one record payload.

    Args:
        tensors: Names (unique, non-empty, at most 65 535 UTF-8 bytes) to arrays of a storable
            dtype and rank at most 255, in record order.
        magic: The format version's magic (``ECR1`` or ``ECR2`` only to test readers of old records).

    Returns:
        The payload.

    Raises:
        InvalidArgumentError: A name, dtype or rank cannot be stored, or there is no tensor.
    """
    if not tensors:
        raise InvalidArgumentError("a record holds at least one tensor")
    header = bytearray(magic + struct.pack("<I", len(tensors)))
    arrays = []
    for name, value in tensors.items():
        if not isinstance(name, str) or not name:
            raise InvalidArgumentError("tensor names must be non-empty text")
        encoded_name = name.encode()
        if len(encoded_name) > MAXIMUM_NAME_BYTES:
            raise InvalidArgumentError(
                f"a tensor name of {len(encoded_name)} bytes is over the {MAXIMUM_NAME_BYTES}-byte limit"
            )
        array = _little_endian(np.asarray(value))
        if array.ndim > MAXIMUM_RANK:
            raise InvalidArgumentError(f"tensor {name!r} has rank {array.ndim}; at most {MAXIMUM_RANK} are stored")
        header += struct.pack("<H", len(encoded_name)) + encoded_name
        header += struct.pack(f"<BB{array.ndim}Q", dtype_code(array.dtype), array.ndim, *array.shape)
        arrays.append(array)
    sizes = [_padded(array.nbytes) for array in arrays]
    payload = bytearray(_padded(len(header)) + sum(sizes))
    payload[: len(header)] = header
    view = memoryview(payload)
    offset = _padded(len(header))
    for array, size in zip(arrays, sizes):
        view[offset : offset + array.nbytes] = array.reshape(-1).view(np.uint8).data
        offset += size
    view.release()
    return bytes(payload)


Layout = tuple[tuple[str, np.dtype, tuple[int, ...], int], ...]


def parse(payload: Union[bytes, memoryview]) -> Optional[tuple[Layout, int]]:
    """Parses a payload's header, checking that its tensors fill the payload exactly.

    Args:
        payload: A record payload.

    Returns:
        Each tensor's name, dtype, shape and byte offset, and the header's length (where the
        first tensor starts); ``None`` when the payload is malformed.
    """
    view = memoryview(payload).cast("B")
    size = len(view)
    if size < 8 or (view[:4] != MAGIC and view[:4] not in LEGACY_MAGICS):
        return None
    (count,) = struct.unpack_from("<I", view, 4)
    offset = 8
    entries = []
    try:
        for _ in range(count):
            (name_length,) = struct.unpack_from("<H", view, offset)
            offset += 2
            if offset + name_length > size:
                return None
            name = bytes(view[offset : offset + name_length]).decode("utf-8", "replace")
            offset += name_length
            code, rank = struct.unpack_from("<BB", view, offset)
            offset += 2
            shape = struct.unpack_from(f"<{rank}Q", view, offset)
            offset += 8 * rank
            dtype = numpy_dtype(code)
            if dtype is None:
                return None
            entries.append((name, dtype, shape))
    except struct.error:
        return None
    header_end = offset = _padded(offset)
    layout = []
    for name, dtype, shape in entries:
        elements = 1
        for dimension in shape:
            elements *= dimension
        byte_count = elements * dtype.itemsize
        if byte_count > size - offset:
            return None
        layout.append((name, dtype, shape, offset))
        offset += _padded(byte_count)
    if offset != size or len({name for name, *_ in layout}) != len(layout):
        return None
    return tuple(layout), header_end


def arrays(payload: Union[bytes, memoryview], layout: Layout) -> dict[str, np.ndarray]:
    """The payload's tensors as arrays sharing its memory (read-only when the payload is).

    Args:
        payload: A record payload.
        layout: Its layout, from :func:`parse`.

    Returns:
        The tensors by name, in record order.
    """
    return {name: np.ndarray(shape, dtype, payload, offset) for name, dtype, shape, offset in layout}


def decode(payload: Union[bytes, memoryview]) -> Optional[dict[str, np.ndarray]]:
    """Decodes a payload into arrays that share its memory, or ``None`` when malformed.

    Args:
        payload: A record payload (``bytes``, or a ``memoryview`` of a mapped side file).

    Returns:
        The tensors by name, in record order; ``None`` when the payload does not parse, an
        array would run past its end, a name repeats, or bytes are left over.
    """
    parsed = parse(payload)
    return None if parsed is None else arrays(payload, parsed[0])


# Payloads of at least this many bytes are decoded one by one, each into views of its own bytes:
# copying them into one buffer would cost more than the calls it saves.
_STACKED_BELOW = 16 << 10


class Decoder:
    """Decodes payloads, remembering the layouts of recent headers.

    A batch of embeddings shares one header (names, dtypes, shapes), so each record after the
    first is decoded by comparing its header's bytes instead of parsing them.
    """

    def __init__(self) -> None:
        self._layouts: dict[bytes, tuple[Layout, int]] = {}

    def decode(self, payload: Union[bytes, memoryview]) -> Optional[dict[str, np.ndarray]]:
        """As :func:`decode`.

        Args:
            payload: A record payload.

        Returns:
            The tensors by name, or ``None`` when the payload is malformed.
        """
        header = self._header(payload)
        return None if header is None else arrays(payload, self._layouts[header][0])

    def decode_many(self, payloads: list[bytes]) -> list[Optional[dict[str, np.ndarray]]]:
        """Decodes many payloads, as :meth:`decode` does one by one.

        Small payloads of one size are copied into one buffer, and when they share the first one's
        header (a batch of embeddings does), each of their tensors becomes one strided array over
        it whose rows are the records' tensors: a batch costs one copy and a few calls rather than
        a parse and a set of calls per record. The arrays are read-only views that keep that
        buffer alive. Large payloads are decoded one by one, into views of each.

        Args:
            payloads: Record payloads.

        Returns:
            One element per payload, in order: its tensors by name, or ``None`` when malformed.
        """
        sizes = list(map(len, payloads))
        if len(set(sizes)) == 1:
            return self._decode_alike(payloads, sizes[0])
        decoded: list[Optional[dict[str, np.ndarray]]] = [None] * len(payloads)
        by_size: dict[int, list[int]] = {}
        for index, size in enumerate(sizes):
            by_size.setdefault(size, []).append(index)
        for size, indices in by_size.items():
            for index, tensors in zip(indices, self._decode_alike([payloads[index] for index in indices], size)):
                decoded[index] = tensors
        return decoded

    def _decode_alike(self, payloads: list[Union[bytes, memoryview]], size: int) -> list[Optional[dict[str, np.ndarray]]]:
        """:meth:`decode_many` of payloads all ``size`` bytes long."""
        if len(payloads) > 1 and size < _STACKED_BELOW:
            return self.decode_stacked(np.frombuffer(b"".join(payloads), np.uint8).reshape(-1, size))
        return [self.decode(payload) for payload in payloads]

    def decode_stacked(self, stacked: np.ndarray) -> list[Optional[dict[str, np.ndarray]]]:
        """Decodes records laid end to end, one per row of ``stacked``, as :meth:`decode_many`
        does, without copying them: the arrays are views of ``stacked``.

        Args:
            stacked: A C-contiguous ``uint8`` array, one record per row (all one size).

        Returns:
            One element per row, in order: its tensors by name, or ``None`` when malformed.
        """
        header = self._header(memoryview(stacked[0])) if len(stacked) > 1 and stacked.shape[1] < _STACKED_BELOW else None
        if header is None:
            return [self.decode(memoryview(row)) for row in stacked]
        return self._split(stacked, header)

    def _split(self, stacked: np.ndarray, header: bytes) -> list[Optional[dict[str, np.ndarray]]]:
        """The records in the rows of ``stacked``, the first of which starts with ``header``:
        each of their tensors one strided array over ``stacked``, whose rows are the records'."""
        layout = self._layouts[header][0]
        columns = [_rows(stacked, dtype, shape, offset) for _, dtype, shape, offset in layout]
        if len(layout) == 1:
            name = layout[0][0]
            decoded: list[Optional[dict[str, np.ndarray]]] = [{name: array} for array in columns[0]]
        else:
            names = [name for name, *_ in layout]
            decoded = [dict(zip(names, arrays)) for arrays in zip(*columns)]
        alike = (stacked[:, : len(header)] == np.frombuffer(header, np.uint8)).all(axis=1)
        if not alike.all():
            for index in np.flatnonzero(~alike).tolist():
                decoded[index] = self.decode(memoryview(stacked[index]))
        return decoded

    def _header(self, payload: Union[bytes, memoryview]) -> Optional[bytes]:
        """The remembered header ``payload`` starts with (parsed and remembered when new), or
        ``None`` when the payload is malformed."""
        size = len(payload)
        for header, (_, layout_size) in list(self._layouts.items()):
            if layout_size == size and payload[: len(header)] == header:
                return header
        parsed = parse(payload)
        if parsed is None:
            return None
        layout, header_end = parsed
        if len(self._layouts) >= 8:
            self._layouts.pop(next(iter(self._layouts)))
        header = bytes(payload[:header_end])
        self._layouts[header] = (layout, size)
        return header


def _rows(stacked: np.ndarray, dtype: np.dtype, shape: tuple[int, ...], offset: int) -> list[np.ndarray]:
    """One tensor of each of the records laid end to end in the rows of ``stacked``: the
    records' arrays (views), in order."""
    strides = [dtype.itemsize] * len(shape)
    for axis in range(len(shape) - 2, -1, -1):
        strides[axis] = strides[axis + 1] * shape[axis + 1]
    count, size = stacked.shape
    column = np.ndarray((count, *shape), dtype, stacked.data, offset, (size, *strides))
    # Iterating gives rank-0 records scalars, not arrays: index those as arrays.
    return list(column) if shape else [column[row, ...] for row in range(count)]
