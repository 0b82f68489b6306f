"""A real HTTP webhook receiver on 127.0.0.1 (http.server in a thread) for the webhook tests.

`script` decides each answer: a callable given the request number (1, 2, ...) that returns
(status, headers). Every request is kept with its headers, body and parsed JSON.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Script = Callable[[int, dict[str, Any]], tuple[int, dict[str, str]]]


def always(status: int = 204) -> Script:
    return lambda number, body: (status, {})


@dataclass
class Received:
    headers: dict[str, str]
    raw: bytes
    status: int

    @property
    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.raw)
        return data


@dataclass
class Receiver:
    url: str
    script: Script
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answered(self, status: int | None = None) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if status is None or r.status == status]


@contextmanager
def receiver(script: Script | None = None, *, path: str = "/hook") -> Iterator[Receiver]:
    box = Receiver(url="", script=script or always())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length", "0")))
            with box.lock:
                number = len(box.requests) + 1
                try:
                    parsed = json.loads(raw)
                except ValueError:
                    parsed = {}
                status, headers = box.script(number, parsed)
                box.requests.append(
                    Received({k.lower(): v for k, v in self.headers.items()}, raw, status)
                )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
