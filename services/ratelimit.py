"""Leaky-bucket rate limiting by cost, per client: in Redis when configured, else in memory.

Each client has a bucket of `capacity` points that refills at `restore_rate` points per
second (Shopify's model). An operation is let through when the bucket holds its cost, which is
then taken out; otherwise the caller learns how long until it would.

Why hand-written: `limits` takes a cost per hit but offers only window strategies (fixed,
moving, sliding-window counter), not a bucket that refills continuously and can report what
is available now; `pyrate-limiter` keeps one sorted-set entry per unit of weight, so a 2,000
point query would write 2,000 entries. A bucket is two numbers per client; in Redis one Lua
script reads, refills, takes and writes them atomically, so every process and host shares
the bucket without races.

When Redis fails the limiter lets requests through (logged once per outage): a rate limiter
that takes the shop down with it protects nothing.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

logger = logging.getLogger("shopgraph.ratelimit")

Clock = Callable[[], float]
KEY_PREFIX = "shopgraph:ratelimit:"
# Beyond this many clients in memory, buckets that have refilled are forgotten.
MEMORY_SWEEP_AT = 10_000


@dataclass(frozen=True)
class Decision:
    """The outcome of asking a bucket for `cost` points."""

    allowed: bool
    cost: int
    available: float
    capacity: int
    restore_rate: float

    @property
    def retry_after(self) -> float:
        """Seconds until the bucket holds the cost (0 when allowed)."""
        if self.allowed:
            return 0.0
        needed = min(self.cost, self.capacity) - self.available
        return max(needed, 0.0) / self.restore_rate


class RateLimiter(Protocol):
    async def acquire(self, client: str, cost: int) -> Decision | None:
        """Take `cost` from the client's bucket; None when nothing limits this client."""

    async def aclose(self) -> None: ...


class MemoryRateLimiter:
    """Buckets in this process's memory (one worker, or tests)."""

    def __init__(self, *, capacity: int, restore_rate: float, clock: Clock = time.monotonic):
        self.capacity = capacity
        self.restore_rate = restore_rate
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def _level(self, client: str, now: float) -> float:
        tokens, updated = self._buckets.get(client, (float(self.capacity), now))
        return min(float(self.capacity), tokens + max(now - updated, 0.0) * self.restore_rate)

    async def acquire(self, client: str, cost: int) -> Decision:
        now = self.clock()
        tokens = self._level(client, now)
        # An operation dearer than the whole bucket needs a full bucket, and empties it.
        take = min(cost, self.capacity)
        allowed = take <= tokens
        if allowed:
            tokens -= take
        self._buckets[client] = (tokens, now)
        if len(self._buckets) > MEMORY_SWEEP_AT:
            self._sweep(now)
        return Decision(allowed, cost, tokens, self.capacity, self.restore_rate)

    def _sweep(self, now: float) -> None:
        full = [key for key in self._buckets if self._level(key, now) >= self.capacity]
        for key in full:
            del self._buckets[key]

    async def aclose(self) -> None:
        return None


# KEYS[1] bucket; ARGV capacity, restore rate, cost, now (seconds). Returns {allowed, tokens}.
_SCRIPT = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local take = math.min(tonumber(ARGV[3]), capacity)
local now = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
-- hosts' clocks may disagree slightly: never refill backwards
if now < ts then now = ts end
tokens = math.min(capacity, tokens + (now - ts) * rate)
local allowed = 0
if take <= tokens then
  tokens = tokens - take
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate * 1000) + 1000)
return {allowed, tostring(tokens)}
"""


class RedisRateLimiter:
    """Buckets in Redis, shared by every process and host using the same Redis."""

    def __init__(
        self,
        url: str,
        *,
        capacity: int,
        restore_rate: float,
        clock: Clock = time.time,
        prefix: str = KEY_PREFIX,
    ) -> None:
        from redis.asyncio import Redis

        self.capacity = capacity
        self.restore_rate = restore_rate
        # Wall-clock time, so that every host measures refills on the same scale.
        self.clock = clock
        self.prefix = prefix
        self._redis: Any = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._script = self._redis.register_script(_SCRIPT)
        self._down = False

    async def acquire(self, client: str, cost: int) -> Decision:
        args: list[int | float | str] = [self.capacity, self.restore_rate, cost, self.clock()]
        try:
            allowed, tokens = await self._script(keys=[self.prefix + client], args=args)
        except Exception as error:  # the limiter must never be the outage
            if not self._down:
                self._down = True
                logger.warning("rate limiter: Redis unavailable, not limiting (%s)", error)
            return Decision(True, cost, float(self.capacity), self.capacity, self.restore_rate)
        if self._down:
            self._down = False
            logger.warning("rate limiter: Redis is back, limiting again")
        return Decision(bool(allowed), cost, float(tokens), self.capacity, self.restore_rate)

    async def aclose(self) -> None:
        await self._redis.aclose()


class OpenedOnStart:
    """A limiter the app's lifespan opens and closes, so that its connections do too.

    Until it is opened (an app driven without its lifespan) nothing is limited.
    """

    def __init__(self, factory: Callable[[], RateLimiter]) -> None:
        self.factory = factory
        self.current: RateLimiter | None = None

    def open(self) -> None:
        self.current = self.factory()

    async def acquire(self, client: str, cost: int) -> Decision | None:
        if self.current is None:
            return None
        return await self.current.acquire(client, cost)

    async def aclose(self) -> None:
        current, self.current = self.current, None
        if current is not None:
            await current.aclose()


def build_rate_limiter(
    *, redis_url: str, capacity: int, restore_rate: float, clock: Clock | None = None
) -> RateLimiter:
    """Redis buckets when `redis_url` is set, memory otherwise."""
    if redis_url:
        return RedisRateLimiter(
            redis_url, capacity=capacity, restore_rate=restore_rate, clock=clock or time.time
        )
    return MemoryRateLimiter(
        capacity=capacity, restore_rate=restore_rate, clock=clock or time.monotonic
    )


def retry_after_header(decision: Decision) -> str:
    """Whole seconds, rounded up, as `Retry-After` wants them."""
    return str(max(1, math.ceil(decision.retry_after)))
