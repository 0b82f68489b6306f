"""A catalog version in the cache: every catalog write bumps it, so cached reads keyed by it
expire at once on every host that shares the cache."""

from __future__ import annotations

import uuid

from services import cache

VERSION_KEY = "catalog:version"


async def current() -> str:
    value = await cache.get(VERSION_KEY)
    return "0" if cache.is_missing(value) else str(value)


async def bump() -> None:
    await cache.set(VERSION_KEY, uuid.uuid4().hex[:12], ttl=None)
