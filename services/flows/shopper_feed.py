"""Shopper feed: the feed domain ranks a section, folding in analytics' record of the session."""

from __future__ import annotations

from datetime import datetime

from services.analytics import shoppers
from services.feed import assembly
from services.feed.entries import FeedSection, RankedFeed


async def shopper_feed(
    *,
    section: FeedSection,
    shopper: assembly.Shopper,
    product_id: int | None = None,
    child: assembly.Child | None = None,
    now: datetime | None = None,
) -> RankedFeed:
    """One feed section for the shopper, with their recent events read from analytics."""
    return await assembly.feed(
        section=section,
        shopper=shopper,
        product_id=product_id,
        child=child,
        now=now,
        recent_events=shoppers.recent_events,
    )
