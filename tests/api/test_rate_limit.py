"""Rate limiting by cost: a leaky bucket per client, 429 with Retry-After, shared through Redis."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.settings import Settings
from schema.cost import client_key
from services.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter

pytestmark = pytest.mark.usefixtures("demo_store")

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="REDIS_URL is not set: the shared-bucket tests need a real Redis"
)

# connection 2 + 2 x node 1
PAGE = "{ products(first: 2, sort: NAME) { edges { node { name } } } }"
PAGE_COST = 4


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _unique_ip() -> str:
    return f"198.51.100.{uuid.uuid4().int % 250}-{uuid.uuid4().hex[:8]}"


@asynccontextmanager
async def _client(
    settings: Settings, *, ip: str, limiter: RateLimiter | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(settings, manage_database=False, rate_limiter=limiter)
    async with LifespanManager(application, startup_timeout=30, shutdown_timeout=30):
        transport = httpx.ASGITransport(app=application, client=(ip, 4321))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            yield http


async def _ask(http: httpx.AsyncClient) -> httpx.Response:
    return await http.post("/graphql", json={"query": PAGE})


# -- the bucket itself -------------------------------------------------------------------


async def test_memory_bucket_takes_refuses_and_refills_with_the_clock() -> None:
    clock = FakeClock()
    limiter = MemoryRateLimiter(capacity=100, restore_rate=10.0, clock=clock)
    first = await limiter.acquire("ip:a", 60)
    assert (first.allowed, first.available) == (True, 40.0)
    refused = await limiter.acquire("ip:a", 60)
    assert not refused.allowed
    assert refused.retry_after == pytest.approx(2.0)
    # another client has its own bucket
    assert (await limiter.acquire("ip:b", 100)).allowed
    clock.now += 1.9
    assert not (await limiter.acquire("ip:a", 60)).allowed
    clock.now += 0.1
    again = await limiter.acquire("ip:a", 60)
    assert again.allowed
    assert again.available == pytest.approx(0.0)
    clock.now += 3600
    assert (await limiter.acquire("ip:a", 0)).available == 100.0  # never above capacity


async def test_an_operation_dearer_than_the_bucket_needs_a_full_bucket() -> None:
    clock = FakeClock()
    limiter = MemoryRateLimiter(capacity=100, restore_rate=10.0, clock=clock)
    assert (await limiter.acquire("k", 30)).allowed
    refused = await limiter.acquire("k", 500)
    assert not refused.allowed
    assert refused.retry_after == pytest.approx(3.0)
    clock.now += 3
    drained = await limiter.acquire("k", 500)
    assert (drained.allowed, drained.available) == (True, 0.0)


@needs_redis
async def test_redis_bucket_takes_refuses_and_refills_with_the_clock() -> None:
    clock = FakeClock()
    prefix = f"test:ratelimit:{uuid.uuid4().hex}:"
    limiter = RedisRateLimiter(
        REDIS_URL, capacity=100, restore_rate=10.0, clock=clock, prefix=prefix
    )
    try:
        assert (await limiter.acquire("ip:a", 60)).available == pytest.approx(40.0)
        refused = await limiter.acquire("ip:a", 60)
        assert not refused.allowed
        assert refused.retry_after == pytest.approx(2.0)
        clock.now += 2
        assert (await limiter.acquire("ip:a", 60)).allowed
        clock.now -= 5  # a host whose clock is behind refills nothing, and breaks nothing
        assert not (await limiter.acquire("ip:a", 60)).allowed
    finally:
        await limiter._redis.delete(prefix + "ip:a")
        await limiter.aclose()


async def test_redis_down_lets_requests_through_and_logs_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0", capacity=10, restore_rate=1.0)
    try:
        with caplog.at_level(logging.WARNING, logger="shopgraph.ratelimit"):
            decisions = [await limiter.acquire("ip:a", 8) for _ in range(3)]
    finally:
        await limiter.aclose()
    assert all(decision.allowed for decision in decisions)
    warnings = [r for r in caplog.records if r.name == "shopgraph.ratelimit"]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()


def test_the_client_is_the_api_key_else_the_user_else_the_address() -> None:
    request = SimpleNamespace(client=SimpleNamespace(host="203.0.113.9"))
    key, user = SimpleNamespace(id=7), SimpleNamespace(id=42)
    assert client_key(SimpleNamespace(api_key=key, user=user, request=request)) == "key:7"
    assert client_key(SimpleNamespace(api_key=None, user=user, request=request)) == "user:42"
    assert client_key(SimpleNamespace(api_key=None, user=None, request=request)) == (
        "ip:203.0.113.9"
    )


# -- through HTTP ------------------------------------------------------------------------


async def test_an_empty_bucket_answers_429_with_retry_after_and_runs_nothing(
    database: Settings, count_queries: Any
) -> None:
    clock = FakeClock()
    limiter = MemoryRateLimiter(capacity=10, restore_rate=1.0, clock=clock)
    async with _client(database, ip=_unique_ip(), limiter=limiter) as http:
        for expected_left in (6, 2):
            ok = await _ask(http)
            assert ok.status_code == 200
            status = ok.json()["extensions"]["cost"]["throttleStatus"]
            assert status == {
                "maximumAvailable": 10,
                "currentlyAvailable": expected_left,
                "restoreRate": 1.0,
            }
        with count_queries() as counter:
            throttled = await _ask(http)
        assert throttled.status_code == 429
        assert throttled.headers["retry-after"] == "2"  # 4 needed, 2 left, 1 per second
        body = throttled.json()
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "THROTTLED"
        assert error["extensions"]["cost"] == PAGE_COST
        assert error["extensions"]["retryAfter"] == 2.0
        assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 2
        assert counter.statements == []

        clock.now += 2
        refilled = await _ask(http)
        assert refilled.status_code == 200
        assert len(refilled.json()["data"]["products"]["edges"]) == 2


async def test_each_address_has_its_own_bucket(database: Settings) -> None:
    limiter = MemoryRateLimiter(capacity=5, restore_rate=0.001, clock=FakeClock())
    async with _client(database, ip=_unique_ip(), limiter=limiter) as first:
        assert (await _ask(first)).status_code == 200
        assert (await _ask(first)).status_code == 429
    async with _client(database, ip=_unique_ip(), limiter=limiter) as second:
        assert (await _ask(second)).status_code == 200


async def test_default_limits_come_from_settings(database: Settings) -> None:
    settings = replace(database, rate_limit_capacity=6, rate_limit_restore_rate=0.01)
    async with _client(settings, ip=_unique_ip()) as http:
        assert (await _ask(http)).status_code == 200
        throttled = await _ask(http)
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) >= 100  # 2 points short at 0.01 per second


@needs_redis
async def test_two_app_instances_share_one_bucket_through_redis(database: Settings) -> None:
    settings = replace(
        database, redis_url=REDIS_URL, rate_limit_capacity=10, rate_limit_restore_rate=0.01
    )
    ip = _unique_ip()
    async with _client(settings, ip=ip) as one, _client(settings, ip=ip) as two:
        assert (await _ask(one)).status_code == 200
        assert (await _ask(two)).status_code == 200
        # 10 - 4 - 4 = 2 left in the shared bucket: either instance now refuses.
        refused_by_one = await _ask(one)
        refused_by_two = await _ask(two)
    assert (refused_by_one.status_code, refused_by_two.status_code) == (429, 429)
    assert refused_by_two.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert int(refused_by_two.headers["retry-after"]) >= 200
