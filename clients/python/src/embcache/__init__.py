"""embcache for Python: read and fill embcache stores with verified, content-addressed records.

A record is a set of named tensors stored under a key: a :class:`Namespace` (model,
preprocessing, storage precision) and the SHA-256 content digest of the input's bytes.

Example::

    import embcache

    cache = embcache.open()  # the command line's default store, read-only
    ns = embcache.Namespace("builtin:bytes/v1?dim=384", "raw-bytes")
    [record] = cache.get(ns, [embcache.digest(open("photo.png", "rb").read())])
    vector = record["embedding"] if record is not None else None

    remote = embcache.connect("http://127.0.0.1:8080", token="…")  # embcache serve's record API
    [record] = remote.get(ns, [digest])
"""

from ._cache import Cache, default_path, open
from ._digest import composite_digest, digest, model_identity, preprocessing_identity
from ._namespace import STORAGE_POLICIES, Namespace
from ._remote import RemoteCache, connect
from .errors import (
    EmbcacheError,
    InvalidArgumentError,
    ReadOnlyError,
    StoreFailedError,
    StoreIncompatibleError,
    StoreNotFoundError,
    UnauthorizedError,
    UnknownNamespaceError,
)

__all__ = [
    "STORAGE_POLICIES",
    "Cache",
    "EmbcacheError",
    "InvalidArgumentError",
    "Namespace",
    "ReadOnlyError",
    "RemoteCache",
    "StoreFailedError",
    "StoreIncompatibleError",
    "StoreNotFoundError",
    "UnauthorizedError",
    "UnknownNamespaceError",
    "composite_digest",
    "connect",
    "default_path",
    "digest",
    "model_identity",
    "open",
    "preprocessing_identity",
]
