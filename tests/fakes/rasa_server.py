"""A local stand-in for a Rasa server's HTTP API: POST /model/parse.

It answers in Rasa's own response format (text, intent, entities, intent_ranking,
response_selector), checks the `token` query parameter as Rasa's token auth does,
and records what it was sent. `mode` makes it fail the ways a real server can.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


class FakeRasaServer:
    def __init__(self, token: str | None = None) -> None:
        self.token = token
        self.mode = "ok"  # "ok" | "error" (HTTP 500) | "garbage" (not JSON) | "wrong_shape"
        self.requests: list[dict[str, Any]] = []
        self.intent = "ask_human"
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeRasaServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def parse_response(self, text: str) -> dict[str, Any]:
        ranking = [
            {"name": self.intent, "confidence": 0.91},
            {"name": "greet", "confidence": 0.05},
            {"name": "goodbye", "confidence": 0.04},
        ]
        return {
            "text": text,
            "intent": dict(ranking[0]),
            "entities": [
                {
                    "entity": "city",
                    "start": 0,
                    "end": min(len(text), 4),
                    "value": text[:4],
                    "confidence_entity": 0.8,
                    "extractor": "DIETClassifier",
                }
            ],
            "intent_ranking": ranking,
            "response_selector": {"all_retrieval_intents": [], "default": {}},
            "text_tokens": [[0, len(text)]],
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                url = urlparse(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                query = parse_qs(url.query)
                fake.requests.append({"path": url.path, "query": query, "body": body})
                if url.path != "/model/parse":
                    return self._send(404, {"status": "failure", "reason": "NotFound"})
                if fake.token and query.get("token") != [fake.token]:
                    return self._send(401, {"status": "failure", "reason": "NotAuthenticated"})
                if fake.mode == "error":
                    return self._send(500, {"status": "failure", "reason": "ParsingError"})
                if fake.mode == "garbage":
                    return self._send_raw(200, b"<html>proxy error</html>", "text/html")
                if fake.mode == "wrong_shape":
                    return self._send(200, {"status": "ok"})
                text = json.loads(body)["text"]
                return self._send(200, fake.parse_response(text))

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                self._send_raw(status, json.dumps(payload).encode(), "application/json")

            def _send_raw(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
