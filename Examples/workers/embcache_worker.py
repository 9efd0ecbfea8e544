"""The embcache worker protocol (docs/worker-protocol.md) for Python workers: framing and messages.

A worker module calls `serve(handshake, encode_batch)`: it writes the handshake frame, then
answers every batch frame until embcache closes stdin. `encode_batch(items)` receives a list of
inputs, each a list of `bytes` parts, and returns one entry per input: a list of
`(name, numpy array)` pairs (the record), or a `WorkerItemError` for that input only. Anything it
raises becomes a fatal frame and ends the worker. Only frames go to stdout; log to stderr.
"""

import json
import struct
import sys

PROTOCOL = 1
HEADER = struct.Struct("<BQ")
KIND_HANDSHAKE, KIND_BATCH, KIND_RESULTS, KIND_FATAL = b"H"[0], b"B"[0], b"R"[0], b"E"[0]

# numpy dtype -> safetensors name, the protocol's dtype codes.
DTYPE_NAMES = {
    "float32": "F32", "float16": "F16", "float64": "F64", "int64": "I64", "int32": "I32",
    "int16": "I16", "int8": "I8", "uint8": "U8", "bool": "BOOL",
}


class WorkerItemError(Exception):
    """Returned (not raised) by encode_batch for an input that fails alone."""


PIXEL_HEADER = struct.Struct("<IIBB")


def decode_pixels(part):
    """A part sent to a worker whose handshake says "input": "pixels", as a numpy array of shape
    (height, width, channels): uint8 at 8 bits, big-endian uint16 at 16 bits."""
    import numpy as np

    width, height, channels, depth = PIXEL_HEADER.unpack_from(part, 0)
    dtype = np.uint8 if depth == 8 else np.dtype(">u2")
    samples = np.frombuffer(part, dtype=dtype, offset=PIXEL_HEADER.size)
    return samples.reshape(height, width, channels)


def write_frame(out, kind, body):
    out.write(HEADER.pack(kind, len(body)))
    out.write(body)
    out.flush()


def read_exactly(stream, count):
    data = stream.read(count)
    if data is None or len(data) != count:
        return None
    return data


def parse_batch(body):
    """The inputs of a batch body: a list of inputs, each a list of bytes parts."""
    view = memoryview(body)
    (count,) = struct.unpack_from("<I", view, 0)
    offset = 4
    items = []
    for _ in range(count):
        (parts,) = struct.unpack_from("<I", view, offset)
        offset += 4
        item = []
        for _ in range(parts):
            (length,) = struct.unpack_from("<Q", view, offset)
            offset += 8
            item.append(bytes(view[offset:offset + length]))
            offset += length
        items.append(item)
    if offset != len(body):
        raise ValueError("batch frame has bytes after the last input")
    return items


def encode_tensor(name, array, dtype_name=None):
    """One tensor of a record item: name, dtype, rank, dims, data (little-endian)."""
    import numpy as np

    array = np.ascontiguousarray(array)
    if dtype_name is None:
        dtype_name = DTYPE_NAMES[array.dtype.name]
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    encoded_name = name.encode()
    encoded_dtype = dtype_name.encode()
    data = array.tobytes()
    return b"".join([
        struct.pack("<H", len(encoded_name)), encoded_name,
        struct.pack("<B", len(encoded_dtype)), encoded_dtype,
        struct.pack("<B", array.ndim), struct.pack(f"<{array.ndim}Q", *array.shape),
        struct.pack("<Q", len(data)), data,
    ])


def encode_record(tensors):
    """A record item: status 0, the tensor count, then each tensor."""
    return struct.pack("<BI", 0, len(tensors)) + b"".join(encode_tensor(n, a) for n, a in tensors)


def encode_error(message):
    """An error item: status 1, then the UTF-8 message."""
    encoded = str(message).encode()
    return struct.pack("<BI", 1, len(encoded)) + encoded


def encode_results(results):
    """The body of a results frame; entries may be pre-encoded items (bytes)."""
    parts = [struct.pack("<I", len(results))]
    for result in results:
        if isinstance(result, (bytes, bytearray)):
            parts.append(result)
        elif isinstance(result, WorkerItemError):
            parts.append(encode_error(result))
        else:
            parts.append(encode_record(result))
    return b"".join(parts)


def serve(handshake, encode_batch):
    """Writes the handshake, then answers batches until stdin closes."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() must not corrupt the frames
    write_frame(stdout, KIND_HANDSHAKE, json.dumps(dict(handshake, protocol=PROTOCOL)).encode())
    while True:
        header = read_exactly(stdin, HEADER.size)
        if header is None:
            return
        kind, length = HEADER.unpack(header)
        body = read_exactly(stdin, length)
        if kind != KIND_BATCH or body is None:
            write_frame(stdout, KIND_FATAL, b"expected a batch frame")
            return
        try:
            results = encode_batch(parse_batch(body))
        except Exception as error:  # the worker cannot go on: say why, then exit
            write_frame(stdout, KIND_FATAL, f"{type(error).__name__}: {error}".encode())
            raise
        write_frame(stdout, KIND_RESULTS, encode_results(results))
