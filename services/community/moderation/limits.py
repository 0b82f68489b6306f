"""Rate limits per member (per minute and per day) and duplicate detection on submission.

Both run with the member's standing row locked (screening takes the lock), so that on
PostgreSQL two submissions of one member never both see room for one more. The counts come
from Redis fixed-window counters when REDIS_URL is set (one Lua script checks and takes
both windows atomically, shared by every process), else from the member's recent
submissions in the database, which the same lock makes exact. Should Redis fail, the
database counts instead: limits still hold.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import unicodedata
from datetime import timedelta
from typing import Any

from models.community.moderation import Submission
from services import clock
from services.community.errors import CommunityErrorCode, error
from services.community.moderation.config import current

logger = logging.getLogger("shopgraph.community")
KEY_PREFIX = "shopgraph:community:rate:"
_WORDS = re.compile(r"[\W_]+", re.UNICODE)

# KEYS minute, day; ARGV per-minute, per-day limits. Takes both or neither; 1 when taken.
_SCRIPT = """
local minute = tonumber(redis.call('GET', KEYS[1]) or '0')
local day = tonumber(redis.call('GET', KEYS[2]) or '0')
if minute >= tonumber(ARGV[1]) then return 0 end
if day >= tonumber(ARGV[2]) then return -1 end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], 120)
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 90000)
return 1
"""


def fingerprint(text: str) -> str | None:
    """The same text however it is cased, spaced or punctuated has the same fingerprint;
    None for no words at all (a rating-only review), which duplicates nothing."""
    folded = _WORDS.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return hashlib.sha256(folded.encode()).hexdigest() if folded else None


async def check_duplicate(author_id: int, digest: str | None) -> None:
    if digest is None:
        return
    since = clock.now() - timedelta(hours=current().duplicate_window_hours)
    if await Submission.filter(
        author_id=author_id, content_hash=digest, created_at__gte=since
    ).exists():
        raise error(
            CommunityErrorCode.DUPLICATE_CONTENT,
            "You posted the same text recently.",
            field="body",
        )


class _SharedRedis:
    """One client (and so one connection pool) per process for the counters, made on first
    use and closed when the app or worker stops (`close()`), as services/ratelimit.py holds
    its own: a submission borrows a pooled connection instead of opening one.

    A client belongs to the event loop it first ran on; another loop (a test's, a worker's
    restart) gets a new one."""

    def __init__(self) -> None:
        self._client: Any = None
        self._url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._script: Any = None

    def script(self, url: str) -> Any:
        loop = asyncio.get_running_loop()
        if self._client is None or self._url != url or self._loop is not loop:
            from redis.asyncio import Redis

            self._client = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
            self._url, self._loop = url, loop
            self._script = self._client.register_script(_SCRIPT)
        return self._script

    async def close(self) -> None:
        client, self._client, self._script, self._loop = self._client, None, None, None
        if client is not None:
            await client.aclose()


shared = _SharedRedis()


async def close() -> None:
    """Close the counters' Redis pool (app and worker shutdown)."""
    await shared.close()


async def _redis_take(author_id: int) -> int | None:
    """1 taken, 0 over the minute, -1 over the day; None when Redis is not there."""
    config = current()
    if not config.redis_url:
        return None
    now = clock.now()
    keys = [
        f"{KEY_PREFIX}{author_id}:m:{now:%Y%m%d%H%M}",
        f"{KEY_PREFIX}{author_id}:d:{now:%Y%m%d}",
    ]
    try:
        script = shared.script(config.redis_url)
        return int(await script(keys=keys, args=[config.per_minute, config.per_day]))
    except Exception as failure:  # the database counts instead
        logger.warning(
            "community rate limits: Redis unavailable, counting in the database (%s)", failure
        )
        return None


async def _database_take(author_id: int) -> int:
    config = current()
    now = clock.now()
    recent = Submission.filter(author_id=author_id)
    if await recent.filter(created_at__gt=now - timedelta(minutes=1)).count() >= config.per_minute:
        return 0
    if await recent.filter(created_at__gt=now - timedelta(days=1)).count() >= config.per_day:
        return -1
    return 1


async def take(author_id: int) -> None:
    """Count one submission against the member's limits, or raise RATE_LIMITED."""
    taken = await _redis_take(author_id)
    if taken is None:
        taken = await _database_take(author_id)
    if taken == 0:
        raise error(
            CommunityErrorCode.RATE_LIMITED,
            f"At most {current().per_minute} contributions a minute: try again shortly.",
        )
    if taken < 0:
        raise error(
            CommunityErrorCode.RATE_LIMITED,
            f"At most {current().per_day} contributions a day: try again tomorrow.",
        )


async def record(author_id: int, kind: str, digest: str | None) -> None:
    # Every submission counts towards the database's rate limits, words or not.
    await Submission.create(
        author_id=author_id, kind=kind, content_hash=digest or "", created_at=clock.now()
    )
