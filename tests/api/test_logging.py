"""Logs: client errors are one INFO line, our failures one ERROR with a traceback, a cache
outage two lines in all, and JSON lines carry the request id."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from api.logs import build_handler
from api.settings import Settings
from services import cache
from services.catalog import suggestions

MY_ORDERS = "{ myOrders(first: 5) { totalCount } }"
SUGGEST = '{ searchSuggestions(prefix: "%s", first: 3) { text } }'


def shopgraph_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    # Everything the server logs; the test client and the database drivers left out.
    client_side = ("tortoise", "aiosqlite", "asyncpg", "httpx", "httpcore", "asyncio")
    return [r for r in caplog.records if not r.name.startswith(client_side)]


async def test_an_expected_client_error_logs_one_info_line(
    gql: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        caplog.clear()
        body = await gql(MY_ORDERS, None, **{"x-request-id": "req-unauth"})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    records = [r for r in shopgraph_records(caplog) if r.levelno >= logging.INFO]
    assert len(records) == 1, [r.getMessage() for r in records]
    (record,) = records
    assert record.levelno == logging.INFO
    assert record.exc_info is None
    assert "UNAUTHENTICATED" in record.getMessage()
    assert "req-unauth" in record.getMessage()
    assert "myOrders" in record.getMessage()


async def test_a_validation_error_logs_one_info_line_with_its_code(
    gql: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        caplog.clear()
        await gql("{ products(first: 1) { edges { node { colour } } } }")
    records = [r for r in shopgraph_records(caplog) if r.levelno >= logging.INFO]
    assert [(r.levelno, r.exc_info) for r in records] == [(logging.INFO, None)]
    assert "GRAPHQL_VALIDATION_FAILED" in records[0].getMessage()


async def test_an_unexpected_error_logs_once_at_error_with_its_traceback(
    gql: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode(**_: Any) -> list[Any]:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(suggestions, "suggest", explode)
    with caplog.at_level(logging.DEBUG):
        caplog.clear()
        await gql(SUGGEST % "boom", None, **{"x-request-id": "req-boom"})
    errors = [r for r in shopgraph_records(caplog) if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert "req-boom" in errors[0].getMessage()
    assert errors[0].exc_info is not None


class FlakyBackend:
    """The real cache backend behind a switch that makes every call fail like a dead Redis."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.down = False
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.backend, name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.down:
                raise ConnectionError("Connection refused")
            return await method(*args, **kwargs)

        return call


@pytest.fixture
def flaky(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FlakyBackend]:
    backend = FlakyBackend(cache.backend())
    monkeypatch.setattr(cache.Outage, "retry_after", 0.0)
    cache.configure(backend)
    yield backend
    cache.configure(backend.backend)


def cache_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "shopgraph.cache"]


async def test_a_cache_outage_logs_when_it_starts_and_when_it_ends(
    gql: Any, flaky: FlakyBackend, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="shopgraph.cache"):
        caplog.clear()
        flaky.down = True
        for prefix in ("tec", "lego", "dino", "car"):
            body = await gql(SUGGEST % prefix)
            assert "errors" not in body, body
        assert flaky.calls >= 8
        down = cache_lines(caplog)
        assert [r.levelno for r in down] == [logging.WARNING]
        assert "unavailable" in down[0].getMessage()

        flaky.down = False
        for prefix in ("tec", "lego"):
            assert "errors" not in await gql(SUGGEST % prefix)
        lines = cache_lines(caplog)
        assert [r.levelno for r in lines] == [logging.WARNING, logging.INFO]
        assert "answers again" in lines[1].getMessage()


async def test_during_an_outage_the_backend_is_retried_only_after_a_pause(
    gql: Any, flaky: FlakyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    flaky.down = True
    await gql(SUGGEST % "first")
    monkeypatch.setattr(cache.Outage, "retry_after", 3600.0)
    cache.outage.failed("get", ConnectionError("again"))  # the pause starts now
    calls = flaky.calls
    for prefix in ("tec", "lego", "dino"):
        assert "errors" not in await gql(SUGGEST % prefix)
    assert flaky.calls == calls


async def test_json_logs_carry_the_request_id_on_every_line_of_a_request(
    gql: Any, settings: Settings, flaky: FlakyBackend
) -> None:
    stream = io.StringIO()
    handler = build_handler(replace(settings, log_format="json"), stream)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        flaky.down = True  # the cache's warning is logged deep inside the request
        await gql(SUGGEST % "json", None, **{"x-request-id": "req-json-1"})
        flaky.down = False
        await gql(MY_ORDERS, None, **{"x-request-id": "req-json-2"})
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    by_request = {line["request_id"]: line for line in lines if line["name"].startswith("shop")}
    assert by_request["req-json-1"]["name"] == "shopgraph.cache"
    assert by_request["req-json-1"]["level"] == "WARNING"
    assert by_request["req-json-2"]["name"] == "shopgraph.errors"
    assert by_request["req-json-2"]["level"] == "INFO"
    assert all({"time", "level", "name", "message", "request_id"} <= set(line) for line in lines)
