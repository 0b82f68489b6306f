"""Cached feeds: one entry per shopper holding their ranked sections, reset on new events."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from services import cache

TTL_SECONDS = 60
MAX_SECTIONS = 16  # distinct section/argument combinations kept per shopper
_GENERATION = "__generation__"
T = TypeVar("T")


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
    fresh = await compute()
    current = _entry(await cache.get(key))
    if current.get(_GENERATION) != sections.get(_GENERATION):
        return fresh  # invalidated meanwhile: `fresh` may predate the new events
    stored = {k: v for k, v in current.items() if k != _GENERATION}
    while len(stored) >= MAX_SECTIONS:
        stored.pop(next(iter(stored)))
    stored[section_key] = fresh
    stored[_GENERATION] = current.get(_GENERATION)
    await cache.set(key, stored, ttl=TTL_SECONDS)
    return fresh


async def invalidate(*, user_id: int | None, anonymous_id: str | None) -> None:
    """Forget every cached feed of this shopper (their behaviour or feedback just changed)."""
    for key in identity_keys(user_id=user_id, anonymous_id=anonymous_id):
        await cache.set(key, {_GENERATION: uuid.uuid4().hex}, ttl=TTL_SECONDS)
