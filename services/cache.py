"""A cache that never fails a request: errors from the backend degrade to a miss."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

logger = logging.getLogger("shopgraph.cache")
T = TypeVar("T")
_MISSING = object()
_backend: Any = None


def configure(backend: Any) -> None:
    """Install the aiocache backend used by every service."""
    global _backend
    _backend = backend


def backend() -> Any:
    return _backend


async def get(key: str) -> Any:
    if _backend is None:
        return _MISSING
    try:
        value = await _backend.get(key, default=_MISSING)
    except Exception as error:  # the cache is an optimisation, never a dependency
        logger.warning("cache get %s failed: %s", key, error)
        return _MISSING
    return value


async def set(key: str, value: Any, *, ttl: int | None) -> None:
    if _backend is None:
        return
    try:
        await _backend.set(key, value, ttl=ttl)
    except Exception as error:
        logger.warning("cache set %s failed: %s", key, error)


async def delete(*keys: str) -> None:
    if _backend is None:
        return
    for key in keys:
        try:
            await _backend.delete(key)
        except Exception as error:
            logger.warning("cache delete %s failed: %s", key, error)


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
