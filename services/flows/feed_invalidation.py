"""Feed invalidation: behaviour events a shopper just sent drop their cached feed."""

from __future__ import annotations

from services.feed import cache as feed_cache


async def after_events_tracked(
    *, accepted: int, user_id: int | None, anonymous_id: str | None
) -> None:
    """The shopper's next feed folds the new events in, so the cached one goes now."""
    if accepted:
        await feed_cache.invalidate(user_id=user_id, anonymous_id=anonymous_id)
