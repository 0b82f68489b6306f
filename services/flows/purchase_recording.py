"""Purchase recording: a bought order's lines become PURCHASE events for the recommender."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from services.analytics import purchases

logger = logging.getLogger("shopgraph.flows.purchase_recording")


async def after_order_paid(*, order_id: int) -> None:
    """Record the purchase of a paid order (once).

    The order is already paid and committed; a failure here is logged, never the shopper's.
    """
    try:
        await purchases.record_order_purchases(order_ids=[order_id])
    except Exception:
        logger.exception("recording the purchase of order %s failed", order_id)


async def after_orders_imported(*, order_ids: Iterable[int]) -> int:
    """Record the purchases of imported orders that were bought; returns the events written."""
    return await purchases.record_order_purchases(order_ids=order_ids)
