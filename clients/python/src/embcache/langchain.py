"""A LangChain ``Embeddings`` that caches any other in an embcache store (extra ``langchain``).

A drop-in for LangChain's ``CacheBackedEmbeddings``, keyed by the SHA-256 of each text's UTF-8
bytes under an explicit namespace, with every read verified by its checksum and a store that the
``embcache`` command line and other processes share.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

import numpy as np
from langchain_core.embeddings import Embeddings

from ._cache import Cache
from ._namespace import Namespace
from .errors import InvalidArgumentError


class CachedEmbeddings(Embeddings):
    """Caches ``underlying``'s document and query embeddings in an embcache store.

    Documents are stored under ``namespace``; queries under ``query_namespace``, by default the
    same namespace with ``;query`` appended to its preprocessing, since many models embed a query
    differently from a document of the same text. Vectors are stored as float64 under a
    ``lossless`` namespace, so a cached vector equals the one the underlying model returned; a
    ``float16`` or ``bfloat16`` namespace stores them rounded.

    Args:
        underlying: The embeddings to cache.
        cache: A writable cache (``embcache.open(path, writable=True)``).
        namespace: The namespace naming ``underlying``'s model and preprocessing (required: it
            is the cache's only way to tell two models apart).
        query_namespace: The namespace of query embeddings; derived from ``namespace`` when None.
        batch_size: The most texts per call to ``underlying.embed_documents``.

    Raises:
        InvalidArgumentError: The namespaces are the same, or the cache is read-only.
    """

    def __init__(
        self,
        underlying: Embeddings,
        cache: Cache,
        namespace: Namespace,
        query_namespace: Optional[Namespace] = None,
        batch_size: int = 64,
    ) -> None:
        if not isinstance(namespace, Namespace):
            raise InvalidArgumentError("namespace must be an embcache.Namespace")
        if query_namespace is None:
            query_namespace = dataclasses.replace(namespace, preprocessing=namespace.preprocessing + ";query")
        if query_namespace == namespace:
            raise InvalidArgumentError("queries and documents need separate namespaces")
        if not cache.writable:
            raise InvalidArgumentError(f"the cache at {cache.path} is read-only; open it with writable=True")
        self.underlying = underlying
        self.cache = cache
        self.namespace = namespace
        self.query_namespace = query_namespace
        self.batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embeds documents, calling the underlying model only for texts not cached.

        Args:
            texts: The documents.

        Returns:
            One vector per text, in order.
        """
        records = self.cache.get_or_compute(
            self.namespace,
            list(texts),
            lambda batch: np.asarray(self.underlying.embed_documents([str(text) for text in batch]), dtype=np.float64),
            batch_size=self.batch_size,
        )
        return [record["embedding"].astype(np.float64).tolist() for record in records]

    def embed_query(self, text: str) -> list[float]:
        """Embeds a query, calling the underlying model only when it is not cached.

        Args:
            text: The query.

        Returns:
            Its vector.
        """
        [record] = self.cache.get_or_compute(
            self.query_namespace,
            [text],
            lambda batch: np.asarray([self.underlying.embed_query(str(batch[0]))], dtype=np.float64),
        )
        return record["embedding"].astype(np.float64).tolist()
