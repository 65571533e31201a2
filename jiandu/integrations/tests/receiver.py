"""A tiny webhook receiver on 127.0.0.1 for the tests: a real HTTP server in a thread that records
each POST (headers and exact body) and answers with the status the test chooses."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from jiandu.integrations.webhooks_delivery import signature_verify


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def verified(self, secret: str, now: int) -> bool:
        return signature_verify(secret, self.body, self.headers.get("X-Jiandu-Signature", ""), now=now)


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    status: int = 200
    answer: bytes = b'{"ok":true}'
    extra_headers: dict[str, str] = field(default_factory=dict)

    def events(self, name: str) -> list[Received]:
        return [r for r in self.received if r.headers.get("X-Jiandu-Event") == name]


def receiver_serve() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.received.append(Received(self.path, dict(self.headers.items()), body))
            self.send_response(state.status)
            for k, v in state.extra_headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(state.answer)))
            self.end_headers()
            self.wfile.write(state.answer)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/jiandu/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
