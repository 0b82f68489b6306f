"""Cached feeds: sections shared by everybody, and one entry per shopper for the personal ones.

Personal sections (FOR_YOU, BOUGHT_TOGETHER, FOR_CHILD) live in one entry per shopper, reset
when their behaviour changes. Non-personal sections (TRENDING, NEW_ARRIVALS, SIMILAR) are
computed once per process and stored once for everybody; what makes them differ between
shoppers (not-interested marks, products bought lately) is a small per-shopper entry of its own,
applied at read time. Each key is computed by one task per process at a time (single flight):
concurrent misses of other processes may still compute it once each.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from services import cache

TTL_SECONDS = 60
MAX_SECTIONS = 16  # distinct section/argument combinations kept per shopper
_GENERATION = "__generation__"
# the change tokens this entry has already been reset for (see `invalidate`)
_APPLIED = "__applied__"
_APPLIED_KEPT = 8
_MARKS = (_GENERATION, _APPLIED)
T = TypeVar("T")


GONE_SECONDS = 2 * TTL_SECONDS  # every entry cached before a product left has expired by then
_flights: dict[str, asyncio.Task[Any]] = {}
# Products that sold out or left the shop lately, by when: taken out of cached sections at read
# time (each process learns of it from a broadcast consumer, so no read costs a query).
_gone: dict[int, float] = {}
# Bumped when products join or leave the shop (see `catalog_changed`): part of shared keys.
catalog_version = 0


def product_gone(product_id: int) -> None:
    """The product can no longer be bought: cached sections stop showing it at once."""
    _gone[product_id] = time.monotonic()


def product_back(product_id: int) -> None:
    _gone.pop(product_id, None)


def still_listed(product_ids: Iterable[int]) -> set[int]:
    """Of these products, the ones that did not sell out or leave the shop lately."""
    if _gone:
        cutoff = time.monotonic() - GONE_SECONDS
        for product_id in [pid for pid, at in _gone.items() if at < cutoff]:
            del _gone[product_id]
    return {pid for pid in product_ids if pid not in _gone}


def catalog_changed(version: int) -> None:
    """A product was published or unpublished: shared sections computed before it are stale."""
    global catalog_version
    catalog_version = max(catalog_version, version)


async def single_flight(key: str, compute: Callable[[], Awaitable[T]]) -> T:
    """`compute()`, run once per key at a time in this process: concurrent callers share it.

    The computation is a task of its own, so a caller that gives up does not cancel it for the
    others waiting.
    """
    running = _flights.get(key)
    if running is None:
        running = asyncio.ensure_future(compute())
        _flights[key] = running
        running.add_done_callback(
            lambda done: _flights.pop(key, None) if _flights.get(key) is done else None
        )
    value: T = await asyncio.shield(running)
    return value


def shared_key(*parts: object) -> str:
    """The key of a section everybody shares: its parts plus the catalog version."""
    return "feed:s:" + ":".join(str(part) for part in (*parts, catalog_version))


async def shared_section(key: str, compute: Callable[[], Awaitable[T]]) -> T:
    """The cached value of a section shared by everybody, computed once on a miss."""
    value = await cache.get(key)
    if not cache.is_missing(value):
        stored: T = value
        return stored

    async def fill() -> T:
        fresh = await compute()
        await cache.set(key, fresh, ttl=TTL_SECONDS)
        return fresh

    return await single_flight(key, fill)


def exclusion_keys(*, user_id: int | None, anonymous_id: str | None) -> list[str]:
    """The keys of what a shopper's own choices take out of shared sections."""
    return [
        key.replace("feed:", "feed:x:", 1)
        for key in identity_keys(user_id=user_id, anonymous_id=anonymous_id)
    ]


async def shopper_exclusions(
    *, user_id: int | None, anonymous_id: str | None, compute: Callable[[], Awaitable[T]]
) -> T:
    """A shopper's exclusions, cached (dropped by `invalidate(exclusions=True)`)."""
    keys = exclusion_keys(user_id=user_id, anonymous_id=anonymous_id)
    if not keys:
        return await compute()
    return await shared_section(keys[0], compute)


def identity_keys(*, user_id: int | None, anonymous_id: str | None) -> list[str]:
    """The cache keys of a shopper: their account's and their anonymous id's (either may lack)."""
    keys = [f"feed:u:{user_id}"] if user_id is not None else []
    if anonymous_id:
        keys.append(f"feed:a:{anonymous_id}")
    return keys


def _entry(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


async def cached_section(
    *,
    user_id: int | None,
    anonymous_id: str | None,
    section_key: str,
    compute: Callable[[], Awaitable[T]],
) -> T:
    """The cached value of one section for a shopper, computing and storing it on a miss.

    All sections of a shopper live under one key, so that invalidation is one write. The key
    carries a generation: a value computed while an invalidation happened is not stored.
    """
    keys = identity_keys(user_id=user_id, anonymous_id=anonymous_id)
    if not keys:
        return await compute()
    key = keys[0]
    sections = _entry(await cache.get(key))
    if section_key in sections:
        value: T = sections[section_key]
        return value
    fresh = await single_flight(f"{key}:{section_key}:{sections.get(_GENERATION)}", compute)
    current = _entry(await cache.get(key))
    if current.get(_GENERATION) != sections.get(_GENERATION):
        return fresh  # invalidated meanwhile: `fresh` may predate the new events
    stored = {k: v for k, v in current.items() if k not in _MARKS}
    while len(stored) >= MAX_SECTIONS:
        stored.pop(next(iter(stored)))
    stored[section_key] = fresh
    stored[_GENERATION] = current.get(_GENERATION)
    if _APPLIED in current:
        stored[_APPLIED] = current[_APPLIED]
    await cache.set(key, stored, ttl=TTL_SECONDS)
    return fresh


async def invalidate(
    *,
    user_id: int | None,
    anonymous_id: str | None,
    exclusions: bool = False,
    token: str | None = None,
) -> None:
    """Forget this shopper's personal sections (their behaviour just changed); with
    `exclusions`, also what their marks and purchases take out of shared sections.

    `token` names the change: an entry already reset for it is kept. The request that tracked
    events resets the entry at once, and the broadcast of the same change reaches every
    process a moment later; without the token that second reset would throw away the feed
    the shopper's next request had just computed with the new events (measured: the "warm"
    read after a cold one recomputed, 16+ queries instead of 2).
    """
    for key in identity_keys(user_id=user_id, anonymous_id=anonymous_id):
        applied: list[str] = []
        if token is not None:
            applied = list(_entry(await cache.get(key)).get(_APPLIED) or ())
            if token in applied:
                continue
            applied = [*applied[-(_APPLIED_KEPT - 1) :], token]
        entry: dict[str, Any] = {_GENERATION: uuid.uuid4().hex}
        if applied:
            entry[_APPLIED] = applied
        await cache.set(key, entry, ttl=TTL_SECONDS)
    if exclusions:
        await cache.delete(*exclusion_keys(user_id=user_id, anonymous_id=anonymous_id))
