"""A cache that never fails a request: errors from the backend degrade to a miss."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

logger = logging.getLogger("shopgraph.cache")
T = TypeVar("T")
_MISSING = object()
_backend: Any = None


class Outage:
    """Whether the backend is down: logged once when it fails and once when it answers again.

    While it is down, calls are a miss at once, and one call in `retry_after` seconds tries
    the backend again, so a dead Redis slows no request by its timeout more than that.
    """

    retry_after = 5.0

    def __init__(self) -> None:
        self.since: float | None = None
        self.next_try = 0.0

    def skip(self) -> bool:
        """True while down and not yet time to try again."""
        return self.since is not None and time.monotonic() < self.next_try

    def failed(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        self.next_try = now + self.retry_after
        if self.since is None:
            self.since = now
            logger.warning(
                "cache unavailable (%s failed: %s); serving uncached until it answers",
                operation,
                error,
            )

    def answered(self) -> None:
        if self.since is not None:
            logger.info("cache answers again after %.1f s", time.monotonic() - self.since)
            self.since = None


outage = Outage()


def configure(backend: Any) -> None:
    """Install the aiocache backend used by every service."""
    global _backend
    _backend = backend
    outage.since = None


def backend() -> Any:
    return _backend


async def get(key: str) -> Any:
    if _backend is None or outage.skip():
        return _MISSING
    try:
        value = await _backend.get(key, default=_MISSING)
    except Exception as error:  # the cache is an optimisation, never a dependency
        outage.failed("get", error)
        return _MISSING
    outage.answered()
    return value


async def set(key: str, value: Any, *, ttl: int | None) -> None:
    if _backend is None or outage.skip():
        return
    try:
        await _backend.set(key, value, ttl=ttl)
    except Exception as error:
        outage.failed("set", error)
        return
    outage.answered()


async def delete(*keys: str) -> None:
    if _backend is None:
        return
    for key in keys:
        # Tried even during an outage: a stale entry must not outlive a write.
        try:
            await _backend.delete(key)
        except Exception as error:
            outage.failed("delete", error)
            return
        outage.answered()


def is_missing(value: Any) -> bool:
    return value is _MISSING


async def cached(key: str, ttl: int, compute: Callable[[], Awaitable[T]]) -> T:
    """The cached value for `key`, computing and storing it on a miss."""
    value = await get(key)
    if value is not _MISSING:
        return value
    fresh = await compute()
    await set(key, fresh, ttl=ttl)
    return fresh
