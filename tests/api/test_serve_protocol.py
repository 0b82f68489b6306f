"""Bad bodies against a real uvicorn server: a JSON 400, and the connection keeps serving."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api._served import served

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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("serve") / "serve.sqlite3"
    with served(path, SHOPGRAPH_MAX_BODY_BYTES="100000") as instance:
        yield instance.url
    assert "Traceback" not in instance.output, instance.output


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
