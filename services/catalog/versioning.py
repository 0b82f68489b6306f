"""The catalog version: every catalog write raises it, and cached catalog reads are keyed by it.

The number lives in the database (`CatalogVersion`) and is raised in the write's own
transaction, so readers see it change exactly when the write becomes visible: a read racing
an uncommitted write finds the old number and can only cache what it read under that one.
After commit the writer publishes the number to its own process at once and to the shared
cache (Redis: every worker sees it on its next read). Every worker also re-reads the row at
most every CHECK_INTERVAL_SECONDS, which is what carries a write to the other workers when
each has its own memory cache, or when a writer stopped between commit and publishing.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import F

from models.catalog import CatalogVersion
from services import cache
from services.transactions import after_commit

VERSION_KEY = "catalog:version"
CHECK_INTERVAL_SECONDS = 1.0
clock: Callable[[], float] = time.monotonic


@dataclass
class _Known:
    version: int = -1
    checked_at: float = 0.0


# One per cache backend: a process serving one app has one; tests run two "workers" by
# switching backends.
_known: weakref.WeakKeyDictionary[Any, _Known] = weakref.WeakKeyDictionary()
_no_backend = _Known()


def _state() -> _Known:
    backend = cache.backend()
    if backend is None:
        return _no_backend
    return _known.setdefault(backend, _Known())


async def _stored() -> int:
    rows = await CatalogVersion.filter(id=1).values("version")
    return int(rows[0]["version"]) if rows else 0


async def current() -> str:
    """The version to key cached catalog reads by (read before the data it keys)."""
    known = _state()
    now = clock()
    if known.version < 0 or now - known.checked_at >= CHECK_INTERVAL_SECONDS:
        known.version = max(known.version, await _stored())
        known.checked_at = now
    shared = await cache.get(VERSION_KEY)
    if not cache.is_missing(shared) and isinstance(shared, int):
        known.version = max(known.version, shared)
    return str(known.version)


async def bump() -> None:
    """Raise the version inside the caller's write transaction; publish it after commit."""
    await CatalogVersion.filter(id=1).update(version=F("version") + 1)
    version = await _stored()

    async def publish() -> None:
        known = _state()
        known.version = max(known.version, version)
        await cache.set(VERSION_KEY, version, ttl=None)

    await after_commit(publish)
