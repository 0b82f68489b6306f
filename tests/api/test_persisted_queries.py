"""Apollo's automatic persisted queries, and trusted documents mode with its CLI."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.cli import main
from api.settings import Settings
from services.documents import document_hash, read_registry

pytestmark = pytest.mark.usefixtures("demo_store")

LIST = "query FirstProduct { products(first: 1) { edges { node { name } } } }"


def unique(query: str) -> str:
    return f"{query}\n# {uuid.uuid4()}"


def persisted(sha256_hash: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256_hash}}


async def test_a_hash_only_request_misses_then_registers_then_hits(
    client: httpx.AsyncClient,
) -> None:
    # given a query the server has never seen
    query = unique(LIST)
    sha = document_hash(query)
    # when a client sends only its hash
    miss = await client.post("/graphql", json={"extensions": persisted(sha)})
    # then it is told to send the query, as Apollo's clients expect
    assert miss.json()["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    # when it sends the query with the hash, it runs and is registered
    register = await client.post("/graphql", json={"query": query, "extensions": persisted(sha)})
    assert register.json()["data"]["products"]["edges"]
    # then later hash-only requests, POST and GET, run it
    hit = await client.post("/graphql", json={"extensions": persisted(sha)})
    assert hit.json()["data"] == register.json()["data"]
    got = await client.get("/graphql", params={"extensions": json.dumps(persisted(sha))})
    assert got.status_code == 200
    assert got.json()["data"] == register.json()["data"]


async def test_a_wrong_hash_is_refused_and_not_registered(client: httpx.AsyncClient) -> None:
    query = unique(LIST)
    wrong = document_hash(query + " ")
    answer = await client.post("/graphql", json={"query": query, "extensions": persisted(wrong)})
    body = answer.json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == "provided sha does not match query"
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert body["errors"][0]["extensions"]["reason"] == "PERSISTED_QUERY_HASH_MISMATCH"
    later = await client.post("/graphql", json={"extensions": persisted(wrong)})
    assert later.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_an_unsupported_version_is_a_bad_request(client: httpx.AsyncClient) -> None:
    extensions = {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}}
    answer = await client.post("/graphql", json={"extensions": extensions})
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    return tmp_path / "trusted_documents.json"


@pytest.fixture
async def trusted_client(database: Settings, registry: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A production-mode app that runs only the documents registered in `registry`."""
    settings = replace(
        database,
        environment="production",
        introspection=False,
        field_suggestions=False,
        graphiql=False,
        trusted_documents=True,
        trusted_documents_file=str(registry),
    )
    app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def register(tmp_path: Path, registry: Path, manifest: Any) -> int:
    path = tmp_path / f"manifest-{uuid.uuid4()}.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return main(["documents", "register", str(path), "--registry", str(registry)])


async def test_registered_operations_run_and_others_are_refused(
    tmp_path: Path,
    registry: Path,
    trusted_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # An answer the shared response cache holds from a server that runs anything.
    assert (await client.post("/graphql", json={"query": "{ __typename }"})).status_code == 200
    # given a client's Apollo manifest registered with the CLI
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {"id": document_hash(LIST), "name": "FirstProduct", "type": "query", "body": LIST}
        ],
    }
    assert register(tmp_path, registry, manifest) == 0
    assert "1 new of 1 ids registered" in capsys.readouterr().out
    # when the client runs it by hash and by its full text
    by_hash = await trusted_client.post(
        "/graphql", json={"extensions": persisted(document_hash(LIST))}
    )
    by_text = await trusted_client.post("/graphql", json={"query": LIST})
    # then both run
    assert by_hash.json()["data"]["products"]["edges"]
    assert by_text.json()["data"] == by_hash.json()["data"]
    # and an unregistered operation, or an attempt to register one, is refused
    other = "{ products(first: 2) { edges { node { name } } } }"
    attempts = [
        {"query": other},
        {"query": other, "extensions": persisted(document_hash(other))},
        {"extensions": persisted(document_hash(other))},
        {"query": "{ __typename }"},
    ]
    for attempt in attempts:
        body = (await trusted_client.post("/graphql", json=attempt)).json()
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "OPERATION_NOT_TRUSTED"
        assert "registered operations only" in body["errors"][0]["message"]


async def test_a_plain_map_registers_and_reaches_a_running_server(
    tmp_path: Path, registry: Path, trusted_client: httpx.AsyncClient
) -> None:
    query = "{ categories(first: 1) { edges { node { name } } } }"
    before = (await trusted_client.post("/graphql", json={"query": query})).json()
    assert before["errors"][0]["extensions"]["code"] == "OPERATION_NOT_TRUSTED"
    assert register(tmp_path, registry, {document_hash(query): query}) == 0
    # The running server re-reads the registry when it changes (checked once a second).
    from services.documents import TrustedDocuments

    TrustedDocuments.check_every = 0.0
    try:
        after = (await trusted_client.post("/graphql", json={"query": query})).json()
    finally:
        TrustedDocuments.check_every = 1.0
    assert "errors" not in after
    assert "categories" in after["data"]
    assert read_registry(registry)[document_hash(query)] == query


def test_the_cli_refuses_a_manifest_with_an_invalid_operation(
    tmp_path: Path, registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert register(tmp_path, registry, {"abc": "{ noSuchField }"}) == 2
    assert "noSuchField" in capsys.readouterr().err
    assert not registry.exists()
    assert register(tmp_path, registry, {"format": "something-else"}) == 2
