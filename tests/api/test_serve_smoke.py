"""`shopgraph migrate`, `seed` and `serve` as `make run` calls them, over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

QUERY = '{ products(first: 3, search: "lego tecnic") { totalCount edges { node { name } } } }'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_served_api_answers_queries(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path / 'smoke.sqlite3'}",
        "REDIS_URL": "",
        "SHOPGRAPH_LOG_LEVEL": "WARNING",
    }
    cli = [sys.executable, "-m", "api.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*cli, "seed", "--products", "60", "--quiet", "--if-empty"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and body is None:
            try:
                response = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": QUERY})
                body = response.json()
            except httpx.TransportError:
                time.sleep(0.2)
        assert body is not None, "server did not come up within 30 s"
        assert "errors" not in body, body
        names = [edge["node"]["name"] for edge in body["data"]["products"]["edges"]]
        assert names and "technic" in names[0].lower()
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz")
        assert ready.status_code == 200, ready.text
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=15)
    assert b"Traceback" not in output, output.decode(errors="replace")
