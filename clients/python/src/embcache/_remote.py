"""The record API of ``embcache serve`` over HTTP (docs/server.md, "Record API")."""

from __future__ import annotations

import http.client
import json
import os
import socket
import struct
import threading
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Optional

import numpy as np

from . import _codec
from ._digest import digest_bytes
from ._namespace import Namespace
from .errors import InvalidArgumentError, ReadOnlyError, StoreFailedError, UnauthorizedError

Tensors = dict[str, np.ndarray]

# Safetensors' dtype names with the record encoding's codes (docs/format.md).
_SAFETENSORS_CODES = {"F32": 0, "F16": 1, "BF16": 2, "F64": 3, "I64": 4, "I32": 5, "I16": 6, "I8": 7, "U8": 8, "BOOL": 9}
_SAFETENSORS_NAMES = {code: name for name, code in _SAFETENSORS_CODES.items()}
# The most digests (or records) one request may carry, as the server allows.
_MAXIMUM_PER_REQUEST = 4096


def connect(url: str, token: Optional[str] = None, timeout: float = 60.0) -> RemoteCache:
    """Connects to an ``embcache serve`` server's record API.

    Args:
        url: The server's URL, such as ``http://127.0.0.1:8080`` (a trailing ``/v1``, as
            ``embcache serve`` prints it, is accepted).
        token: A bearer token (``read`` to get, ``write`` to put) when the server asks for one.
        timeout: Seconds a request may wait for the server.

    Returns:
        The remote cache; nothing is sent until it is used.

    Raises:
        InvalidArgumentError: The URL is not ``http://`` or ``https://``.
    """
    return RemoteCache(url, token=token, timeout=timeout)


class RemoteCache:
    """Records read and written through an ``embcache serve`` server. Create it with
    :func:`embcache.connect`.

    ``get`` and ``put`` take the arguments :class:`embcache.Cache`'s do and return the same values;
    the server verifies every record's checksum and stores under its own store's rules. Each thread
    and process (after ``fork``, such as a PyTorch ``DataLoader`` worker) keeps its own keep-alive
    connection.

    Args:
        url: The server's URL.
        token: A bearer token, or ``None``.
        timeout: Seconds a request may wait for the server.
    """

    def __init__(self, url: str, token: Optional[str] = None, timeout: float = 60.0) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise InvalidArgumentError(f"an embcache server URL is http://HOST:PORT or https://HOST:PORT, got {url!r}")
        path = parsed.path.rstrip("/")
        if path.endswith("/v1"):
            path = path[: -len("/v1")]
        self.url = f"{parsed.scheme}://{parsed.netloc}{path}"
        self._scheme, self._host, self._port, self._prefix = parsed.scheme, parsed.hostname, parsed.port, path
        self._token = token
        self.timeout = timeout
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"embcache.RemoteCache({self.url!r})"

    def __getstate__(self) -> dict[str, Any]:
        """What a pickled client keeps (a spawned ``DataLoader`` worker receives it): the URL, the
        token and the timeout. Connections belong to the process that opened them; an
        unpickled client opens its own."""
        return {"url": self.url, "token": self._token, "timeout": self.timeout}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restores a pickled client (see :meth:`__getstate__`)."""
        self.__init__(state["url"], token=state["token"], timeout=state["timeout"])  # type: ignore[misc]

    def __enter__(self) -> RemoteCache:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes this thread's connection (other threads' close when they end)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None and self._local.pid == os.getpid():
            connection.close()
        self._local.connection = None

    # Reads -------------------------------------------------------------------------------------

    def get(self, ns: Namespace, digests: Sequence[Any]) -> list[Optional[Tensors]]:
        """Looks records up by content digest on the server, which verifies every checksum.

        Args:
            ns: The namespace.
            digests: Content digests (32 bytes or 64 hex digits each), possibly repeated.

        Returns:
            One element per digest, in order: the record's tensors by name (in record order, as
            read-only arrays), or ``None`` for a miss (absent, or stored but failing its checksum).

        Raises:
            InvalidArgumentError: A digest or the namespace is malformed, or the server refused the
                request as malformed.
            UnauthorizedError: The server asks for a token and got none, or an unknown one.
            StoreFailedError: The server cannot be reached, or its store failed.
        """
        _check_namespace(ns)
        keys = [digest_bytes(value).hex() for value in digests]
        unique = list(dict.fromkeys(keys))
        found: dict[str, Tensors] = {}
        for start in range(0, len(unique), _MAXIMUM_PER_REQUEST):
            self._get_into(ns, unique[start : start + _MAXIMUM_PER_REQUEST], found)
        return [found.get(key) for key in keys]

    def get_many(self, ns: Namespace, digests: Sequence[Any]) -> list[Optional[Tensors]]:
        """The same as :meth:`get`, for callers that name a batch read so."""
        return self.get(ns, digests)

    def _get_into(self, ns: Namespace, keys: list[str], found: dict[str, Tensors]) -> None:
        """Reads the records of ``keys`` into ``found``, halving a request the server finds too large."""
        body = json.dumps({"namespace": _namespace_object(ns), "digests": keys}).encode()
        try:
            answer = self._post("/v1/records/get", body, "application/json")
        except _TooLarge:
            if len(keys) == 1:
                raise InvalidArgumentError(f"the record {keys[0]} is larger than the server answers at once") from None
            middle = len(keys) // 2
            self._get_into(ns, keys[:middle], found)
            self._get_into(ns, keys[middle:], found)
            return
        records, missing = _records(answer)
        found.update(records)
        # A record with no tensors is served as none, and not listed as missing.
        for key in set(keys) - missing - records.keys():
            found[key] = {}

    # Writes ------------------------------------------------------------------------------------

    def put(self, ns: Namespace, digest: Any, tensors: Mapping[str, Any]) -> None:
        """Stores one record on the server, replacing any stored under the same key.

        The server stores it as :meth:`embcache.Cache.put` does: float tensors down-cast as the
        namespace's storage policy says, checksummed, in one transaction. It refuses NaN and
        infinity.

        Args:
            ns: The namespace.
            digest: The content digest (32 bytes or 64 hex digits).
            tensors: Names to arrays, in record order.

        Raises:
            ReadOnlyError: The token may only read.
            InvalidArgumentError: The digest or a tensor cannot be stored (nothing is stored).
            UnauthorizedError: The server asks for a token and got none, or an unknown one.
            StoreFailedError: The server cannot be reached, or its store failed.
        """
        self.put_many(ns, [(digest, tensors)])

    def put_many(self, ns: Namespace, records: Iterable[tuple[Any, Mapping[str, Any]]]) -> None:
        """Stores records on the server, up to 4096 per request, each request in one transaction.

        Args:
            ns: The namespace.
            records: ``(digest, tensors)`` pairs, as :meth:`put` takes them.

        Raises:
            The errors of :meth:`put`; records of requests sent before the error stay stored.
        """
        _check_namespace(ns)
        pending = [(digest_bytes(digest).hex(), tensors) for digest, tensors in records]
        for start in range(0, len(pending), _MAXIMUM_PER_REQUEST):
            self._put(ns, pending[start : start + _MAXIMUM_PER_REQUEST])

    def _put(self, ns: Namespace, records: list[tuple[str, Mapping[str, Any]]]) -> None:
        """Puts records in one request, halving a body the server finds too large."""
        metadata = {"namespace": json.dumps(_namespace_object(ns), separators=(",", ":"))}
        parts = _safetensors(records, metadata)
        try:
            self._post("/v1/records/put", parts, "application/octet-stream")
        except _TooLarge:
            if len(records) == 1:
                raise InvalidArgumentError(
                    f"the record {records[0][0]} is larger than the server accepts (its --max-body-bytes)"
                ) from None
            middle = len(records) // 2
            self._put(ns, records[:middle])
            self._put(ns, records[middle:])

    # HTTP --------------------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is None or local.pid != os.getpid():
            kind = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            connection = kind(self._host, self._port, timeout=self.timeout)
            local.connection, local.pid = connection, os.getpid()
        return connection

    def _post(self, route: str, body: Any, content_type: str) -> bytearray:
        """Sends a request (again once on a fresh connection when a kept one was closed) and
        returns the answer's body; raises the error an answer other than 200 maps to."""
        headers = {"Content-Type": content_type}
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token}"
        parts = body if isinstance(body, list) else [body]
        headers["Content-Length"] = str(sum(memoryview(part).nbytes for part in parts))
        for attempt in (0, 1):
            connection = self._connection()
            try:
                if connection.sock is None:
                    connection.connect()
                    # The header and the body go in separate writes: without this, Nagle's
                    # algorithm holds the body back until the header is acknowledged.
                    connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                connection.putrequest("POST", self._prefix + route, skip_accept_encoding=True)
                for name, value in headers.items():
                    connection.putheader(name, value)
                connection.endheaders()
                for part in parts:
                    connection.send(part)
                response = connection.getresponse()
                answer = _read(response)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                connection.close()
                self._local.connection = None
                if attempt == 0:
                    continue
                raise StoreFailedError(f"the embcache server at {self.url} closed the connection: {error}") from error
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                self._local.connection = None
                raise StoreFailedError(f"cannot reach the embcache server at {self.url}: {error}") from error
            if response.status != 200:
                _raise(response.status, answer, self.url)
            return answer
        raise AssertionError("unreachable")


class _TooLarge(Exception):
    """The server found a request's body or answer too large (413, or 400 response_too_large)."""


def _read(response: http.client.HTTPResponse) -> bytearray:
    """The whole body, read into one buffer of its Content-Length without further copies."""
    length = response.getheader("Content-Length")
    if length is None or not length.isdigit():
        return bytearray(response.read())
    buffer = bytearray(int(length))
    view = memoryview(buffer)
    done = 0
    while done < len(buffer):
        count = response.readinto(view[done:])
        if not count:
            raise http.client.IncompleteRead(bytes(view[:done]), len(buffer) - done)
        done += count
    view.release()
    return buffer


def _raise(status: int, answer: bytes, url: str) -> None:
    """Raises the error of a refused request, with the server's message."""
    try:
        error = json.loads(answer)["error"]
        message, code = str(error.get("message")), error.get("code")
    except (ValueError, KeyError, TypeError, AttributeError):
        message, code = f"HTTP {status}", None
    if status == 413 or code == "response_too_large":
        raise _TooLarge(message)
    if status == 401:
        raise UnauthorizedError(f"the embcache server at {url} refused the token: {message}")
    if status == 403:
        raise ReadOnlyError(f"the embcache server at {url} refused: {message}")
    if 400 <= status < 500:
        raise InvalidArgumentError(f"the embcache server at {url} refused the request: {message}")
    raise StoreFailedError(f"the embcache server at {url} failed ({status}): {message}")


def _check_namespace(ns: Any) -> None:
    if not isinstance(ns, Namespace):
        raise InvalidArgumentError("a namespace is an embcache.Namespace, never joined text")


def _namespace_object(ns: Namespace) -> dict[str, str]:
    return {"model": ns.model, "preprocessing": ns.preprocessing, "storage": ns.storage}


def _safetensors(records: list[tuple[str, Mapping[str, Any]]], metadata: dict[str, str]) -> list[Any]:
    """A safetensors body: the header, then every tensor's bytes (views, not copies), in order."""
    header: dict[str, Any] = {"__metadata__": metadata}
    arrays = []
    offset = 0
    for key, tensors in records:
        if not tensors:
            raise InvalidArgumentError(f"the record {key} holds no tensor")
        for name, value in tensors.items():
            if not isinstance(name, str) or not name:
                raise InvalidArgumentError("tensor names must be non-empty text")
            array = _codec._little_endian(np.asarray(value))
            code = _codec.dtype_code(array.dtype)
            header[f"{key}/{name}"] = {
                "dtype": _SAFETENSORS_NAMES[code],
                "shape": list(array.shape),
                "data_offsets": [offset, offset + array.nbytes],
            }
            offset += array.nbytes
            arrays.append(array)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return [struct.pack("<Q", len(text)) + text] + [array.reshape(-1).view(np.uint8).data for array in arrays]


def _records(body: bytearray) -> tuple[dict[str, Tensors], set[str]]:
    """The records of a get's answer by digest hex, each tensor a read-only view of ``body``, and
    the digests the answer lists as missing."""
    if len(body) < 8:
        raise StoreFailedError("the embcache server's answer is not safetensors (shorter than 8 bytes)")
    (length,) = struct.unpack_from("<Q", body, 0)
    if length > len(body) - 8:
        raise StoreFailedError("the embcache server's answer is not safetensors (its header exceeds it)")
    try:
        header = json.loads(bytes(body[8 : 8 + length]))
    except ValueError as error:
        raise StoreFailedError("the embcache server's answer is not safetensors (its header is not JSON)") from error
    start = 8 + length
    data = memoryview(body)[start:]
    entries = sorted(
        ((name, entry) for name, entry in header.items() if name != "__metadata__"),
        key=lambda item: item[1]["data_offsets"][0],
    )
    records: dict[str, Tensors] = {}
    for name, entry in entries:
        key, _, field = name.partition("/")
        code = _SAFETENSORS_CODES.get(entry["dtype"])
        dtype = _codec.numpy_dtype(code) if code is not None else None
        begin, end = entry["data_offsets"]
        if dtype is None or not 0 <= begin <= end <= len(data):
            raise StoreFailedError(f"the embcache server's answer holds a malformed tensor {name!r}")
        shape = tuple(entry["shape"])
        array = np.frombuffer(data[begin:end], dtype=dtype).reshape(shape)
        array.flags.writeable = False
        records.setdefault(key, {})[field] = array
    try:
        missing = set(json.loads(header.get("__metadata__", {}).get("missing", "[]")))
    except (ValueError, AttributeError, TypeError) as error:
        raise StoreFailedError("the embcache server's answer lists its misses malformed") from error
    return records, missing
