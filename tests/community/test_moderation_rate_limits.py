"""Rate limits per member per minute and per day, counted in the database or in Redis
(shared by every process), and exact under concurrent submissions on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from models.community.moderation import Submission
from services.community.errors import CommunityErrorCode
from services.community.moderation import limits
from services.community.moderation.screening import screen
from services.errors import DomainError
from services.transactions import transaction
from tests.community._post_helpers import member, moderation_settings, redis_url
from tests.conftest import using_postgres

pytestmark = pytest.mark.usefixtures("database")

BACKENDS = [
    pytest.param("database", id="database"),
    pytest.param(
        "redis",
        id="redis",
        marks=pytest.mark.skipif(
            not redis_url(), reason="needs Redis: set REDIS_URL=redis://... to run"
        ),
    ),
]


async def _clear_redis(user_id: int) -> None:
    from redis.asyncio import Redis

    client: Any = Redis.from_url(redis_url())
    try:
        keys = await client.keys(f"{limits.KEY_PREFIX}{user_id}:*")
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


async def _submit(user_id: int, text: str) -> str:
    try:
        async with transaction():
            await screen(author_id=user_id, kind="comment", text=text)
    except DomainError as refused:
        return refused.code
    return "ok"


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_per_minute_limit_refuses_the_next_submission(backend: str) -> None:
    user = await member()
    url = redis_url() if backend == "redis" else ""
    if url:
        await _clear_redis(user.id)
    with moderation_settings(per_minute=3, per_day=100, redis_url=url):
        outcomes = [await _submit(user.id, f"comment number {i}") for i in range(4)]
        other = await member()
        if url:
            await _clear_redis(other.id)
        assert await _submit(other.id, "someone else") == "ok"
    assert outcomes == ["ok", "ok", "ok", CommunityErrorCode.RATE_LIMITED]


async def test_the_per_day_limit_counts_the_last_24_hours() -> None:
    user = await member()
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    await Submission.bulk_create(
        [
            Submission(author_id=user.id, kind="post", content_hash=f"h{i}", created_at=long_ago)
            for i in range(5)
        ]
    )
    with moderation_settings(per_minute=10, per_day=6):
        assert await _submit(user.id, "sixth today") == "ok"
        assert await _submit(user.id, "seventh today") == CommunityErrorCode.RATE_LIMITED
    old = datetime.now(UTC) - timedelta(days=2)
    await Submission.filter(author_id=user.id).update(created_at=old)
    with moderation_settings(per_minute=10, per_day=6):
        assert await _submit(user.id, "a new day") == "ok"


@pytest.mark.skipif(
    not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
)
@pytest.mark.parametrize("backend", BACKENDS)
async def test_concurrent_submissions_never_pass_the_limit(backend: str) -> None:
    user = await member()
    url = redis_url() if backend == "redis" else ""
    if url:
        await _clear_redis(user.id)
    with moderation_settings(per_minute=4, per_day=100, redis_url=url):
        outcomes = await asyncio.gather(*(_submit(user.id, f"burst {i}") for i in range(15)))
    assert outcomes.count("ok") == 4
    assert outcomes.count(CommunityErrorCode.RATE_LIMITED) == 11
    assert await Submission.filter(author_id=user.id).count() == 4


@pytest.mark.skipif(
    not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
)
async def test_the_same_text_sent_concurrently_passes_once() -> None:
    user = await member()
    with moderation_settings():
        outcomes = await asyncio.gather(*(_submit(user.id, "Same words!") for _ in range(8)))
    assert outcomes.count("ok") == 1
    assert outcomes.count(CommunityErrorCode.DUPLICATE_CONTENT) == 7


@pytest.mark.skipif(not redis_url(), reason="needs Redis: set REDIS_URL=redis://... to run")
async def test_the_redis_counters_reuse_one_pooled_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """Submissions borrow a connection of one shared pool: one client for many submissions,
    no connection opened per submission, and closing it releases the pool."""
    from redis.asyncio import Redis

    user = await member()
    await _clear_redis(user.id)
    await limits.close()
    made: list[Any] = []
    original = Redis.from_url

    def counting(*args: Any, **kwargs: Any) -> Any:
        client = original(*args, **kwargs)
        made.append(client)
        return client

    monkeypatch.setattr(Redis, "from_url", counting)
    with moderation_settings(per_minute=100, per_day=100, redis_url=redis_url()):
        for n in range(6):
            assert await _submit(user.id, f"note number {n}") == "ok"
    assert len(made) == 1
    pool: Any = made[0].connection_pool
    # Sequential submissions take turns on one connection instead of opening six.
    assert len(pool._available_connections) + len(pool._in_use_connections) == 1
    taken = await made[0].get(f"{limits.KEY_PREFIX}{user.id}:d:{datetime.now(UTC):%Y%m%d}")
    assert int(taken) == 6
    await limits.close()
    assert limits.shared.script(redis_url()) is not None and len(made) == 2
    await limits.close()
