#!/usr/bin/env python3
"""Writes format-vectors.json: test vectors for docs/format.md, computed from its text alone.

Nothing here imports embcache (Swift or Python): SHA-256 comes from hashlib, CRC32C from the
bitwise definition below (reflected polynomial 0x82F63B78), records are laid out byte by byte
with struct from tensors written by hand. The Swift test FormatVectorsTests and the Python tests
(clients/python/tests/test_format_vectors.py) check both implementations against the file.

    python3 Tests/Vectors/make_format_vectors.py   # rewrites Tests/Vectors/format-vectors.json
"""

import hashlib
import json
import pathlib
import struct

_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ (0x82F63B78 if _c & 1 else 0)
    _TABLE.append(_c)


def crc32c(data: bytes, crc: int = 0) -> int:
    """CRC32C, continuing from ``crc`` (the CRC of the bytes before), bit-reflected, ~in and ~out."""
    crc ^= 0xFFFFFFFF
    for byte in data:
        crc = (crc >> 8) ^ _TABLE[(crc ^ byte) & 0xFF]
    return crc ^ 0xFFFFFFFF


def three_lane(chunk: bytes) -> int:
    groups = len(chunk) // 24
    lanes = [b"".join(chunk[24 * g + 8 * k : 24 * g + 8 * k + 8] for g in range(groups)) for k in range(3)]
    lanes[0] += chunk[24 * groups :]
    return crc32c(struct.pack("<3IQ", *(crc32c(lane) for lane in lanes), len(chunk)))


def framed_namespace(model: str, preprocessing: str, storage: str) -> bytes:
    framed = b"ECR2"
    for part in (model, preprocessing, storage):
        framed += struct.pack("<Q", len(part.encode())) + part.encode()
    return framed


def checksum(payload: bytes, digest: bytes, namespace: dict) -> int:
    """Format 3 sums each chunk with plain CRC32C; formats 1 and 2 with CRC32C-3lane."""
    if payload[:4] == b"ECR1":
        text = f"{namespace['model']} | {namespace['preprocessing']} | {namespace['storage']}".encode()
        seed = crc32c(text + digest)
    else:
        seed = crc32c(framed_namespace(namespace["model"], namespace["preprocessing"], namespace["storage"]) + digest)
    chunks = [payload[i : i + (1 << 20)] for i in range(0, len(payload), 1 << 20)] or [b""]
    sum_chunk = crc32c if payload[:4] == b"ECR3" else three_lane
    sums = [sum_chunk(chunk) for chunk in chunks]
    return crc32c(struct.pack(f"<{len(sums)}IQ", *sums, len(payload)), seed)


def composite(parts: list) -> bytes:
    framed = b"embcache/composite/v1\0\0\0" + struct.pack("<Q", len(parts))
    for part in parts:
        framed += struct.pack("<Q", len(part)) + part
    return hashlib.sha256(framed).digest()


def pad(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 16)


CODES = {"float32": 0, "float16": 1, "bfloat16": 2, "float64": 3, "int64": 4, "int32": 5, "int16": 6, "int8": 7, "uint8": 8, "bool": 9}


def ramp(count: int) -> bytes:
    return bytes(i % 256 for i in range(count))


def tensor_bytes(tensor: dict) -> bytes:
    return bytes.fromhex(tensor["data_hex"]) if "data_hex" in tensor else ramp(tensor["data_ramp"])


def encode(tensors: list, magic: bytes) -> bytes:
    header = magic + struct.pack("<I", len(tensors))
    for tensor in tensors:
        name = tensor["name"].encode()
        header += struct.pack("<H", len(name)) + name + struct.pack("<BB", CODES[tensor["dtype"]], len(tensor["shape"]))
        header += b"".join(struct.pack("<Q", d) for d in tensor["shape"])
    return pad(header) + b"".join(pad(tensor_bytes(tensor)) for tensor in tensors)


def hex_of(*values: bytes) -> str:
    return b"".join(values).hex()


# Tensors written out by hand: every value's bytes are spelled here, little-endian.
RECORDS = [
    {
        "comment": "one float32 vector [1.0, -2.0, 0.5]",
        "namespace": {"model": "test/model@1", "preprocessing": "identity", "storage": "lossless"},
        "input": "abc",
        "tensors": [{"name": "embedding", "dtype": "float32", "shape": [3], "data_hex": hex_of(
            bytes([0x00, 0x00, 0x80, 0x3F]), bytes([0x00, 0x00, 0x00, 0xC0]), bytes([0x00, 0x00, 0x00, 0x3F]))}],
    },
    {
        "comment": "prompt embeddings [2, 2] float16 (1, 2, -1, 0.5) and their mask [2] bool (true, false)",
        "namespace": {"model": "qwen-image/text@abc", "preprocessing": "prompt-template-v1", "storage": "float16"},
        "input": "a red chair",
        "tensors": [
            {"name": "prompt_embeds", "dtype": "float16", "shape": [2, 2],
             "data_hex": hex_of(bytes([0x00, 0x3C]), bytes([0x00, 0x40]), bytes([0x00, 0xBC]), bytes([0x00, 0x38]))},
            {"name": "prompt_embeds_mask", "dtype": "bool", "shape": [2], "data_hex": "0100"},
        ],
    },
    {
        "comment": "bfloat16 [1.0, -2.0], an int64 scalar 7, int8 [-1, 2], uint8 [255], int16 [-2], int32 [65536], float64 [0.25]",
        "namespace": {"model": "m | x", "preprocessing": "p", "storage": "bfloat16"},
        "input": "several dtypes",
        "tensors": [
            {"name": "bf16", "dtype": "bfloat16", "shape": [2], "data_hex": hex_of(bytes([0x80, 0x3F]), bytes([0x00, 0xC0]))},
            {"name": "scalar", "dtype": "int64", "shape": [], "data_hex": hex_of(bytes([7, 0, 0, 0, 0, 0, 0, 0]))},
            {"name": "i8", "dtype": "int8", "shape": [2], "data_hex": "ff02"},
            {"name": "u8", "dtype": "uint8", "shape": [1, 1], "data_hex": "ff"},
            {"name": "i16", "dtype": "int16", "shape": [1], "data_hex": "feff"},
            {"name": "i32", "dtype": "int32", "shape": [1], "data_hex": "00000100"},
            {"name": "f64", "dtype": "float64", "shape": [1], "data_hex": hex_of(bytes([0, 0, 0, 0, 0, 0, 0xD0, 0x3F]))},
        ],
    },
    {
        "comment": "a zero-length float32 tensor [0, 4] and a name of non-ASCII UTF-8",
        "namespace": {"model": "m", "preprocessing": "x | p", "storage": "lossless"},
        "input": "",
        "tensors": [
            {"name": "empty", "dtype": "float32", "shape": [0, 4], "data_hex": ""},
            {"name": "wörter", "dtype": "uint8", "shape": [3], "data_hex": "010203"},
        ],
    },
    {
        "comment": "a format-1 record (magic ECR1, checksum seeded with the text 'model | preprocessing | storage')",
        "namespace": {"model": "test/model@1", "preprocessing": "identity", "storage": "lossless"},
        "input": "legacy",
        "magic": "ECR1",
        "tensors": [{"name": "embedding", "dtype": "float32", "shape": [1], "data_hex": "0000803f"}],
    },
    {
        "comment": "a format-2 record (magic ECR2, chunks summed with CRC32C-3lane)",
        "namespace": {"model": "test/model@1", "preprocessing": "identity", "storage": "lossless"},
        "input": "format 2",
        "magic": "ECR2",
        "tensors": [{"name": "embedding", "dtype": "float32", "shape": [3], "data_hex": hex_of(
            bytes([0x00, 0x00, 0x80, 0x3F]), bytes([0x00, 0x00, 0x00, 0xC0]), bytes([0x00, 0x00, 0x00, 0x3F]))}],
    },
    {
        "comment": "a large record (3 MiB + 48 bytes of a byte ramp as uint8 [3145776]): four 1 MiB chunks, side file",
        "namespace": {"model": "vae@1", "preprocessing": "resize-1024", "storage": "lossless"},
        "input": "large",
        "tensors": [{"name": "latents", "dtype": "uint8", "shape": [3 * (1 << 20) + 48], "data_ramp": 3 * (1 << 20) + 48}],
    },
    {
        "comment": "the same large record in format 2 (magic ECR2, chunks summed with CRC32C-3lane)",
        "namespace": {"model": "vae@1", "preprocessing": "resize-1024", "storage": "lossless"},
        "input": "large, format 2",
        "magic": "ECR2",
        "tensors": [{"name": "latents", "dtype": "uint8", "shape": [3 * (1 << 20) + 48], "data_ramp": 3 * (1 << 20) + 48}],
    },
]

MALFORMED = [
    {"comment": "unknown magic", "payload_hex": (b"ECR9" + struct.pack("<I", 0)).hex()},
    {"comment": "truncated header", "payload_hex": (b"ECR3" + struct.pack("<I", 1) + b"\x05\x00ab").hex()},
    {"comment": "unknown dtype code 10", "payload_hex": pad(b"ECR3" + struct.pack("<IH", 1, 1) + b"x" + struct.pack("<BBQ", 10, 1, 1)).hex() + "00" * 16},
    {"comment": "tensor bytes run past the end", "payload_hex": pad(b"ECR3" + struct.pack("<IH", 1, 1) + b"x" + struct.pack("<BBQ", 0, 1, 8)).hex() + "00" * 16},
    {"comment": "bytes left over after the last tensor", "payload_hex": pad(b"ECR3" + struct.pack("<IH", 1, 1) + b"x" + struct.pack("<BBQ", 8, 1, 1)).hex() + "00" * 32},
]


def main() -> None:
    records = []
    for record in RECORDS:
        magic = record.setdefault("magic", "ECR3").encode()
        digest = hashlib.sha256(record["input"].encode()).digest()
        payload = encode(record["tensors"], magic)
        entry = {key: value for key, value in record.items() if key != "input"}
        entry["input_utf8"] = record["input"]
        entry["digest"] = digest.hex()
        entry["payload_bytes"] = len(payload)
        entry["payload_sha256"] = hashlib.sha256(payload).hexdigest()
        if len(payload) <= 4096:
            entry["payload_hex"] = payload.hex()
        entry["checksum"] = checksum(payload, digest, record["namespace"])
        entry["side_file"] = len(payload) >= (1 << 20)
        records.append(entry)
    crc_inputs = [b"", b"123456789", bytes(32), ramp(1000)]
    # Lengths around the word (8), group (24) and block sizes an implementation may sum in parallel.
    crc_ramps = [1, 7, 8, 23, 24, 255, 256, 767, 768, 769, 8191, 8192, 24575, 24576, 24577, 25344, 1 << 20, (1 << 20) + 1]
    lane_lengths = [0, 1, 8, 23, 24, 25, 47, 48, 100, 1000]
    vectors = {
        "comment": "Computed by Tests/Vectors/make_format_vectors.py from docs/format.md alone. "
        "data_ramp N means the N bytes i % 256 for i = 0..N-1.",
        "digests": [
            {"input_hex": data.hex(), "sha256": hashlib.sha256(data).hexdigest()}
            for data in (b"", b"abc", "héllo wörld".encode())
        ],
        "composites": [
            {"parts_hex": [part.hex() for part in parts], "digest": composite(parts).hex()}
            for parts in ([], [b""], [b"abc"], [b"ab", b"c"], [b"a", b"bc"], [b"abc", b""], [b"image-bytes", b"a red chair"])
        ],
        "preprocessing_identities": [
            {"configuration": configuration,
             "identity": "sha256:" + composite([p for key in sorted(configuration, key=str.encode)
                                                for p in (key.encode(), configuration[key].encode())]).hex()}
            for configuration in ({}, {"resize": "224", "crop": "center", "mean": "0.485,0.456,0.406"})
        ],
        "crc32c": [{"data_hex": data.hex(), "crc": crc32c(data)} for data in crc_inputs]
        + [{"data_ramp": n, "crc": crc32c(ramp(n))} for n in crc_ramps],
        "crc32c_3lane": [{"data_ramp": n, "sum": three_lane(ramp(n))} for n in lane_lengths],
        "side_file_names": [
            {"namespace_id": 1, "digest": hashlib.sha256(b"abc").hexdigest(), "checksum": 0x0000ABCD,
             "name": f"1-{hashlib.sha256(b'abc').hexdigest()}-0000abcd"},
            {"namespace_id": 42, "digest": hashlib.sha256(b"").hexdigest(), "checksum": 0xFFFFFFFF,
             "name": f"42-{hashlib.sha256(b'').hexdigest()}-ffffffff"},
        ],
        "records": records,
        "malformed_payloads": MALFORMED,
    }
    out = pathlib.Path(__file__).with_name("format-vectors.json")
    out.write_text(json.dumps(vectors, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
