"""Review requests: `review.requested` a configurable number of days after delivery, once
per order and product, for e-mail or partner apps to act on.

A worker job sweeps deliveries that reached the age (within a look-back window); the
unique (order, product) row decides between two workers, and it is written in the event's
transaction, so an event exists exactly when the row does. Customers who already reviewed
the product are not asked (the row is still written, so they are not looked at again).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from models.community.moderation import ContentStatus
from models.community.reviews import Review, ReviewRequest
from services import clock
from services.community.reviews import config, emission
from services.logistics import deliveries
from services.transactions import transaction

logger = logging.getLogger("shopgraph.community.reviews")
SWEEP_SECONDS = 3600.0
# Deliveries looked at per sweep; those already requested are skipped in memory.
SCAN = 5000


async def sweep(*, now: datetime | None = None) -> int:
    """Emit the review requests that are due; how many were emitted."""
    now = now or clock.now()
    settings = config.current()
    until = now - timedelta(days=settings.request_after_days)
    since = until - timedelta(days=settings.request_window_days)
    due = await deliveries.deliveries_between(since=since, until=until, limit=SCAN)
    pairs = {(d.order_id, d.product_id): d for d in due}
    if not pairs:
        return 0
    done = set(
        await ReviewRequest.filter(order_id__in=sorted({o for o, _ in pairs})).values_list(
            "order_id", "product_id"
        )
    )
    emitted = 0
    for key, delivery in sorted(pairs.items()):
        if key in done:
            continue
        try:
            emitted += await _request(delivery, now)
        except IntegrityError:  # another worker got there first
            continue
    return emitted


async def _request(delivery: deliveries.Delivery, now: datetime) -> int:
    async with transaction():
        await ReviewRequest.create(
            order_id=delivery.order_id,
            product_id=delivery.product_id,
            user_id=delivery.user_id,
            requested_at=now,
        )
        reviewed = (
            await Review.filter(author_id=delivery.user_id, product_id=delivery.product_id)
            .exclude(status=ContentStatus.REMOVED)
            .exists()
        )
        if reviewed:
            return 0
        await emission.requested(
            order_id=delivery.order_id, product_id=delivery.product_id, user_id=delivery.user_id
        )
    return 1


async def run_forever(interval: float = SWEEP_SECONDS) -> None:
    while True:
        try:
            sent = await sweep()
            if sent:
                logger.info("%s review request(s) emitted", sent)
        except Exception:  # the next sweep tries again
            logger.exception("review request sweep failed")
        await asyncio.sleep(interval)
