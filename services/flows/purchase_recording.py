"""Purchase recording: a bought order's lines become PURCHASE events for the recommender."""

from __future__ import annotations

from services.analytics import purchases
from services.events.records import EventRecord


async def after_order_paid(record: EventRecord) -> None:
    """Record the purchase of the order an `order.paid` event names (once: a repeat of the
    event, after a crash or a replay, finds it recorded and writes nothing)."""
    await purchases.record_order_purchases(order_ids=[int(record.aggregate_id)])
