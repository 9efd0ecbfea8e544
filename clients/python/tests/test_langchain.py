"""The LangChain wrapper: a drop-in that calls the underlying model only for misses."""

from __future__ import annotations

import pathlib

import pytest

import embcache

langchain_core = pytest.importorskip("langchain_core")
from langchain_core.embeddings import DeterministicFakeEmbedding  # noqa: E402

from embcache.langchain import CachedEmbeddings  # noqa: E402

NS = embcache.Namespace("fake/deterministic@1", "size=16")


class Counting(DeterministicFakeEmbedding):
    documents: list[str] = []
    queries: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents.extend(texts)
        return super().embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return [value + 1.0 for value in super().embed_query(text)]


def test_documents_and_queries_are_cached_separately_and_exactly(tmp_path: pathlib.Path) -> None:
    underlying = Counting(size=16, documents=[], queries=[])
    embeddings = CachedEmbeddings(underlying, embcache.open(tmp_path / "c.sqlite", writable=True), NS)
    texts = ["alpha", "beta", "alpha", "gamma"]
    first = embeddings.embed_documents(texts)
    assert first == DeterministicFakeEmbedding(size=16).embed_documents(texts)
    assert sorted(underlying.documents) == ["alpha", "beta", "gamma"]
    underlying.documents.clear()
    assert embeddings.embed_documents(texts) == first and underlying.documents == []
    query = embeddings.embed_query("alpha")
    assert query != first[0] and underlying.queries == ["alpha"]
    assert embeddings.embed_query("alpha") == query and underlying.queries == ["alpha"]
    reader = embcache.open(tmp_path / "c.sqlite")
    assert {n.preprocessing for n in reader.namespaces()} == {"size=16", "size=16;query"}


def test_the_namespace_is_required_and_queries_need_their_own(tmp_path: pathlib.Path) -> None:
    cache = embcache.open(tmp_path / "c.sqlite", writable=True)
    with pytest.raises(TypeError):
        CachedEmbeddings(DeterministicFakeEmbedding(size=4), cache)  # type: ignore[call-arg]
    with pytest.raises(embcache.InvalidArgumentError, match="separate namespaces"):
        CachedEmbeddings(DeterministicFakeEmbedding(size=4), cache, NS, query_namespace=NS)
