"""Unexpected failures are masked with a request id; client mistakes stay readable."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from services.catalog import suggestions

SUGGEST = '{ searchSuggestions(prefix: "tech", first: 3) { text } }'


async def test_unexpected_failure_is_masked_and_logged_with_request_id(
    gql: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode(**_: Any) -> list[Any]:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(suggestions, "suggest", explode)
    with caplog.at_level(logging.ERROR, logger="shopgraph.errors"):
        body = await gql(SUGGEST, None, **{"x-request-id": "req-42"})
    error = body["errors"][0]
    assert "secret internal detail" not in str(body)
    assert "req-42" in error["message"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"}
    logged = [r for r in caplog.records if "req-42" in r.getMessage()]
    assert logged and "secret internal detail" in str(logged[0].exc_info)


async def test_syntax_errors_are_not_masked(gql: Any) -> None:
    body = await gql("{ products(first: 1) { edges { node { name } }")
    assert "Syntax Error" in body["errors"][0]["message"]


async def test_unknown_field_names_the_field(gql: Any) -> None:
    body = await gql("{ products(first: 1) { edges { node { colour } } } }")
    assert "colour" in body["errors"][0]["message"]


async def test_queries_work_over_get(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ tags(first: 1) { totalCount } }"})
    assert response.status_code == 200
    assert "errors" not in response.json()


async def test_depth_limit_bounds_query_cost(gql: Any) -> None:
    deep = "{ categories { edges { node { " + "children { " * 12 + "name" + " }" * 12
    body = await gql(deep + " } } } }")
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
