"""Stock held by unpaid orders: restocking, and releasing reservations that ran out."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.catalog import Product, Variant
from models.orders import Order, OrderLine, OrderStatus
from services.errors import DomainError
from services.orders import coupons, lifecycle

# How long an unpaid order keeps its stock before it is cancelled and restocked.
RESERVATION_TTL = timedelta(minutes=30)
# How often the app's background sweeper looks for expired reservations.
SWEEP_INTERVAL_SECONDS = 60.0

logger = logging.getLogger("shopgraph.orders.reservations")


async def restock(*, order_id: int) -> int:
    """Put an order's units back on the shelf (call inside the order's transaction)."""
    lines = await OrderLine.filter(order_id=order_id, variant_id__isnull=False).values(
        "variant_id", "product_id", "quantity", "returned_quantity"
    )
    by_variant: dict[int, int] = defaultdict(int)
    by_product: dict[int, int] = defaultdict(int)
    for line in lines:
        units = line["quantity"] - line["returned_quantity"]
        if units > 0:
            by_variant[line["variant_id"]] += units
            if line["product_id"] is not None:
                by_product[line["product_id"]] += units
    for variant_id in sorted(by_variant):
        await Variant.filter(id=variant_id).update(stock=F("stock") + by_variant[variant_id])
    for product_id in sorted(by_product):
        await Product.filter(id=product_id, sales_count__gte=by_product[product_id]).update(
            sales_count=F("sales_count") - by_product[product_id]
        )
    return sum(by_variant.values())


async def release_expired_reservations(*, now: datetime | None = None) -> int:
    """Cancel unpaid orders whose reservation ended before `now`, restocking them.

    Returns how many orders were released. A payment that lands at the same moment wins
    or loses cleanly: both sides change the order only if it is still unpaid.
    """
    now = now or datetime.now(UTC)
    ids = await Order.filter(status=OrderStatus.UNPAID, reserved_until__lt=now).values_list(
        "id", flat=True
    )
    released = 0
    for order_id in ids:
        try:
            async with in_transaction():
                order = await Order.get(id=order_id)
                await lifecycle.transition(
                    order,
                    OrderStatus.CANCELLED,
                    actor=lifecycle.SYSTEM,
                    kind="reservation_expired",
                    message="Not paid in time: the order was cancelled and its stock released.",
                    conditions={"reserved_until__lt": now},
                    changes={"reserved_until": None},
                )
                await restock(order_id=order.id)
                await coupons.release(order_id=order.id)
        except DomainError:
            continue  # paid or cancelled meanwhile
        released += 1
    return released


async def sweep_forever(*, interval: float = SWEEP_INTERVAL_SECONDS) -> None:
    """Release expired reservations every `interval` seconds until cancelled."""
    while True:
        await asyncio.sleep(interval)
        try:
            released = await release_expired_reservations()
        except Exception:
            logger.exception("releasing expired reservations failed")
            continue
        if released:
            logger.info("released %d expired order reservation(s)", released)


def reservation_deadline(placed_at: datetime) -> datetime:
    return placed_at + RESERVATION_TTL
