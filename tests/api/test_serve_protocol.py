"""Bad bodies against a real uvicorn server: a JSON 400, and the connection keeps serving."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

GOOD = {"query": "{ tags(first: 1) { totalCount } }"}
BAD_BODIES = [
    b'"x"',
    b"null",
    b"5",
    b"true",
    b"[1, 2]",
    b'{"query": "\xff\xfe"}',
    b"[" * 5000 + b"]" * 5000,
    b"{",
    b'{"query": 5}',
    b'{"query": "{ __typename }", "variables": [1]}',
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("serve") / "serve.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{path}",
        "REDIS_URL": "",
        "SHOPGRAPH_LOG_LEVEL": "WARNING",
        "SHOPGRAPH_MAX_BODY_BYTES": "100000",
        "SHOPGRAPH_RECOMMENDER_INTERVAL": "0",
    }
    cli = [sys.executable, "-m", "api.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    port = _free_port()
    process = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                httpx.get(f"{url}/healthz")
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            process.kill()
            output = process.communicate(timeout=15)[0].decode(errors="replace")
            pytest.fail(f"server did not come up within 60 s:\n{output}")
        yield url
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=15)
    assert b"Traceback" not in output, output.decode(errors="replace")


def _local_port(response: httpx.Response) -> int:
    stream = response.extensions["network_stream"]
    return int(stream.get_extra_info("socket").getsockname()[1])


def test_bad_bodies_get_json_400_and_the_connection_is_reused(server: str) -> None:
    with httpx.Client(base_url=server) as client:
        first = client.post("/graphql", json=GOOD)
        assert first.status_code == 200
        port = _local_port(first)
        for body in BAD_BODIES:
            bad = client.post(
                "/graphql", content=body, headers={"content-type": "application/json"}
            )
            assert bad.status_code == 400, (body[:40], bad.text)
            assert bad.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
            after = client.post("/graphql", json=GOOD)
            assert after.status_code == 200, after.text
            assert "errors" not in after.json()
            assert _local_port(after) == port, f"connection was not reused after {body[:40]!r}"


def test_an_oversized_body_is_413_from_the_real_server(server: str) -> None:
    with httpx.Client(base_url=server) as client:
        response = client.post(
            "/graphql",
            content=b" " * 200_000,
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        # The server closed that connection (the body was left unread); the next one works.
        assert client.post("/graphql", json=GOOD).status_code == 200
