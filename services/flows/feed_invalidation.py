"""Feed invalidation: behaviour events a shopper just sent drop their cached feed."""

from __future__ import annotations

from services.events.records import EventRecord
from services.feed import cache as feed_cache


async def after_events_tracked(record: EventRecord) -> None:
    """Every process drops the shopper's cached feed (a broadcast consumer of
    `shopper.events_tracked`), so no worker serves a feed that predates the events."""
    payload = record.payload
    user_id = payload.get("userId")
    await drop_feed(
        user_id=int(user_id) if user_id is not None else None,
        anonymous_id=payload.get("anonymousId"),
    )


async def drop_feed(*, user_id: int | None, anonymous_id: str | None) -> None:
    """The shopper's next feed folds the new events in, so the cached one goes now.

    The tracking request calls it too, after its commit: the event reaches this process's
    broadcast a moment later, and the shopper's very next request must not be served the
    stale feed meanwhile.
    """
    await feed_cache.invalidate(user_id=user_id, anonymous_id=anonymous_id)
