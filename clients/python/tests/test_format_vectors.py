"""The package against Tests/Vectors/format-vectors.json, computed from docs/format.md alone."""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import sys
from typing import Any

import ml_dtypes
import numpy as np
import pytest

import embcache
from embcache import _checksum, _codec, _sidefiles

from .conftest import REPOSITORY, ramp

NUMPY = {
    "float32": np.float32, "float16": np.float16, "bfloat16": ml_dtypes.bfloat16, "float64": np.float64,
    "int64": np.int64, "int32": np.int32, "int16": np.int16, "int8": np.int8, "uint8": np.uint8, "bool": np.bool_,
}


def tensor_bytes(tensor: dict[str, Any]) -> bytes:
    return bytes.fromhex(tensor["data_hex"]) if "data_hex" in tensor else ramp(tensor["data_ramp"])


def expected_arrays(record: dict[str, Any]) -> dict[str, np.ndarray]:
    return {
        t["name"]: np.frombuffer(tensor_bytes(t), dtype=NUMPY[t["dtype"]]).reshape(t["shape"]) for t in record["tensors"]
    }


def namespace(record: dict[str, Any]) -> embcache.Namespace:
    return embcache.Namespace(**record["namespace"])


def test_digests(vectors: dict[str, Any]) -> None:
    for vector in vectors["digests"]:
        assert embcache.digest(bytes.fromhex(vector["input_hex"])).hex() == vector["sha256"]


def test_composite_digests(vectors: dict[str, Any]) -> None:
    for vector in vectors["composites"]:
        parts = [bytes.fromhex(part) for part in vector["parts_hex"]]
        assert embcache.composite_digest(parts).hex() == vector["digest"]


def test_preprocessing_identities(vectors: dict[str, Any]) -> None:
    for vector in vectors["preprocessing_identities"]:
        assert embcache.preprocessing_identity(vector["configuration"]) == vector["identity"]


def test_crc32c(vectors: dict[str, Any]) -> None:
    for vector in vectors["crc32c"]:
        data = bytes.fromhex(vector["data_hex"]) if "data_hex" in vector else ramp(vector["data_ramp"])
        assert _checksum.crc32c(data) == vector["crc"]


def test_three_lane_sums(vectors: dict[str, Any]) -> None:
    scratch = np.empty((3, _checksum.CHUNK_SIZE // 24), dtype="<u8")
    for vector in vectors["crc32c_3lane"]:
        assert _checksum.three_lane(memoryview(ramp(vector["data_ramp"])), scratch) == vector["sum"]


def test_side_file_names(vectors: dict[str, Any]) -> None:
    for vector in vectors["side_file_names"]:
        name = _sidefiles.name(vector["namespace_id"], bytes.fromhex(vector["digest"]), vector["checksum"])
        assert name == vector["name"]


def test_records_encode_to_the_vector_payloads(vectors: dict[str, Any]) -> None:
    for record in vectors["records"]:
        payload = _codec.encode(expected_arrays(record), magic=record["magic"].encode())
        assert len(payload) == record["payload_bytes"], record["comment"]
        if "payload_hex" in record:
            assert payload.hex() == record["payload_hex"], record["comment"]
        assert hashlib.sha256(payload).hexdigest() == record["payload_sha256"], record["comment"]


def test_records_checksum_and_decode(vectors: dict[str, Any]) -> None:
    for record in vectors["records"]:
        payload = _codec.encode(expected_arrays(record), magic=record["magic"].encode())
        digest = bytes.fromhex(record["digest"])
        assert embcache.digest(record["input_utf8"].encode()) == digest
        assert _checksum.RecordChecksum(namespace(record)).checksum(payload, digest) == record["checksum"]
        decoded = _codec.decode(payload)
        assert decoded is not None
        expected = expected_arrays(record)
        assert list(decoded) == list(expected)
        for name, array in expected.items():
            assert decoded[name].dtype == array.dtype and decoded[name].shape == array.shape
            assert decoded[name].tobytes() == array.tobytes()


def test_malformed_payloads_do_not_decode(vectors: dict[str, Any]) -> None:
    for vector in vectors["malformed_payloads"]:
        assert _codec.decode(bytes.fromhex(vector["payload_hex"])) is None, vector["comment"]


def test_a_batch_decodes_as_its_records_do_one_by_one(vectors: dict[str, Any]) -> None:
    """Batches mixing the vectors' layouts (scalars, empty tensors, bfloat16, several tensors),
    repeated records, same-size records with other headers and malformed payloads; and each
    size's records decoded in place, laid end to end."""
    payloads = [_codec.encode(expected_arrays(record), magic=record["magic"].encode()) for record in vectors["records"]]
    malformed = [bytes.fromhex(vector["payload_hex"]) for vector in vectors["malformed_payloads"]]
    renamed = [payload.replace(b"embedding", b"embeddinh") for payload in payloads]
    batch = payloads * 3 + malformed + [p for p, r in zip(renamed, payloads) if p != r] + payloads[::-1]
    stacked = []
    for size in sorted({len(payload) for payload in batch}):
        alike = [payload for payload in batch if len(payload) == size]
        in_place = np.frombuffer(b"".join(alike), np.uint8).reshape(len(alike), size)
        stacked.append((alike, _codec.Decoder().decode_stacked(in_place)))
    for order, decoded in [(order, _codec.Decoder().decode_many(order)) for order in (batch, batch[::-1], batch[1::2])] + stacked:
        assert len(decoded) == len(order)
        for payload, tensors in zip(order, decoded):
            alone = _codec.decode(payload)
            if alone is None:
                assert tensors is None
                continue
            assert tensors is not None and list(tensors) == list(alone)
            for name, array in alone.items():
                assert isinstance(tensors[name], np.ndarray) and tensors[name].dtype == array.dtype, name
                assert tensors[name].shape == array.shape, name
                assert tensors[name].tobytes() == array.tobytes() and not tensors[name].flags.writeable, name


def test_vector_records_read_back_from_a_store_laid_out_by_hand(
    vectors: dict[str, Any], tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Rows written with plain SQL per docs/format.md read back verified; a flipped byte is a miss."""
    path = tmp_path / "cache.sqlite"
    embcache.open(path, writable=True).close()
    connection = sqlite3.connect(path)
    blobs = str(path) + ".blobs"
    for record in vectors["records"]:
        ns = record["namespace"]
        connection.execute(
            "INSERT OR IGNORE INTO namespace (model, preprocessing, storage) VALUES (?, ?, ?)",
            (ns["model"], ns["preprocessing"], ns["storage"]),
        )
        (namespace_id,) = connection.execute(
            "SELECT id FROM namespace WHERE model = ? AND preprocessing = ? AND storage = ?",
            (ns["model"], ns["preprocessing"], ns["storage"]),
        ).fetchone()
        payload = _codec.encode(expected_arrays(record), magic=record["magic"].encode())
        digest = bytes.fromhex(record["digest"])
        if record["side_file"]:
            with open(os.path.join(blobs, f"{namespace_id}-{record['digest']}-{record['checksum']:08x}"), "wb") as f:
                f.write(payload)
        connection.execute(
            "INSERT INTO entry (namespace_id, digest, payload, size, checksum, created, last_used) "
            "VALUES (?, ?, ?, ?, ?, 0, 0)",
            (namespace_id, digest, None if record["side_file"] else payload, len(payload), record["checksum"]),
        )
    connection.commit()
    cache = embcache.open(path)
    for record in vectors["records"]:
        [found] = cache.get(namespace(record), [record["digest"]])
        assert found is not None, record["comment"]
        for name, array in expected_arrays(record).items():
            assert found[name].tobytes() == array.tobytes()
    first = vectors["records"][0]
    connection.execute("UPDATE entry SET checksum = checksum + 1 WHERE digest = ?", (bytes.fromhex(first["digest"]),))
    connection.commit()
    with caplog.at_level(logging.WARNING, logger="embcache"):
        assert embcache.open(path).get(namespace(first), [first["digest"]]) == [None]
    assert "fails its checksum" in caplog.text


def test_batched_and_single_checksums_agree_with_the_definition() -> None:
    """Sizes around the lane groups and the small-payload paths, against the vectors' generator."""
    sys.path.insert(0, str(REPOSITORY / "Tests" / "Vectors"))
    import make_format_vectors as definition

    ns = embcache.Namespace("m", "p")
    summer = _checksum.RecordChecksum(ns)
    for size in (0, 4, 23, 24, 25, 47, 100, 1568, 70_000):
        magics = (b"ECR1", b"ECR2", b"ECR3")
        payloads = [magics[index % 3] + ramp(size + index)[4:] for index in range(3)] * 4
        payloads = [payload[:size] for payload in payloads]
        digests = [embcache.digest(bytes([index])) for index in range(len(payloads))]
        expected = [definition.checksum(p, d, {"model": "m", "preprocessing": "p", "storage": "lossless"})
                    for p, d in zip(payloads, digests)]
        assert [summer.checksum(p, d) for p, d in zip(payloads, digests)] == expected, size
        assert summer.checksums(payloads, digests) == expected, size
        for magic in magics:
            alike = [magic + payload[4:] for payload in payloads]
            expected = [definition.checksum(p, d, {"model": "m", "preprocessing": "p", "storage": "lossless"})
                        for p, d in zip(alike, digests)]
            assert summer.checksums(alike, digests) == expected, (size, magic)
            stacked = np.frombuffer(b"".join(alike), np.uint8).reshape(len(alike), -1)
            assert summer.stacked_checksums(stacked, digests).tolist() == expected, (size, magic)


def test_model_identity_is_the_weights_file_sha256(tmp_path: Any) -> None:
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(ramp(3 << 20))
    assert embcache.model_identity(weights) == "sha256:" + hashlib.sha256(weights.read_bytes()).hexdigest()
