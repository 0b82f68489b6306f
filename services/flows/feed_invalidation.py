"""Feed invalidation: behaviour, purchases and catalog changes reach the cached feeds.

Every handler here is a broadcast consumer: each process keeps its own view of what left.
"""

from __future__ import annotations

import base64
import binascii

from models.catalog import Variant
from services.events.records import EventRecord
from services.feed import cache as feed_cache


def _pk(global_id: object) -> int | None:
    """The row id inside a payload's global ID ("Type:pk" in base64)."""
    try:
        return int(base64.b64decode(str(global_id)).decode().split(":", 1)[1])
    except (ValueError, IndexError, binascii.Error, UnicodeDecodeError):
        return None


async def after_order_paid(record: EventRecord) -> None:
    """The buyer's feeds leave out what they just bought: their cached ones go."""
    user_id = _pk(record.payload.get("customerId"))
    if user_id is not None:
        await feed_cache.invalidate(user_id=user_id, anonymous_id=None, exclusions=True)


async def after_stock_changed(record: EventRecord) -> None:
    """A product whose last variant sold out leaves every cached feed; a restock brings it back."""
    product_id = _pk(record.payload.get("productId"))
    if product_id is None:
        return
    new_stock = int(record.payload.get("newStock") or 0)
    if new_stock > 0:
        feed_cache.product_back(product_id)
    elif not await Variant.filter(product_id=product_id, stock__gt=0).exists():
        feed_cache.product_gone(product_id)


async def after_product_listing_changed(record: EventRecord) -> None:
    """Unpublished products leave cached feeds; shared sections computed before are stale."""
    feed_cache.catalog_changed(record.position)
    if record.type == "product.unpublished":
        feed_cache.product_gone(int(record.aggregate_id))
    else:
        feed_cache.product_back(int(record.aggregate_id))


async def after_events_tracked(record: EventRecord) -> None:
    """Every process drops the shopper's cached feed (a broadcast consumer of
    `shopper.events_tracked`), so no worker serves a feed that predates the events."""
    payload = record.payload
    user_id = payload.get("userId")
    batch = payload.get("batchId")
    await drop_feed(
        user_id=int(user_id) if user_id is not None else None,
        anonymous_id=payload.get("anonymousId"),
        batch_id=str(batch) if batch else None,
    )


async def drop_feed(
    *, user_id: int | None, anonymous_id: str | None, batch_id: str | None = None
) -> None:
    """The shopper's next feed folds the new events in, so the cached one goes now.

    The tracking request calls it too, after its commit: the event reaches this process's
    broadcast a moment later, and the shopper's very next request must not be served the
    stale feed meanwhile. Both name the batch, so an entry reset once for it (the request's
    own process, or every process when the cache is Redis) is not reset again.
    """
    await feed_cache.invalidate(user_id=user_id, anonymous_id=anonymous_id, token=batch_id)
