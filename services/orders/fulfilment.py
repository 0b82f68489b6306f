"""Staff moving paid orders through the warehouse (fulfilling, shipped, delivered,
completed), and units going back on the shelf."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from tortoise.expressions import F

from models.catalog import Product
from models.orders import Order, OrderEvent, OrderLine, OrderStatus
from services.catalog import stock
from services.orders import lifecycle
from services.orders.errors import OrderErrorCode, error
from services.orders.lifecycle import Actor
from services.transactions import transaction


async def locked_order(order_id: int) -> Order:
    """The order with its row locked for this transaction (call inside in_transaction)."""
    order = await Order.filter(id=order_id).select_for_update().first()
    if order is None:
        raise error(OrderErrorCode.ORDER_NOT_FOUND, "No such order.", field="orderId")
    return order


async def _advance(order_id: int, target: OrderStatus, *, actor: Actor, message: str) -> Order:
    async with transaction():
        order = await locked_order(order_id)
        return await lifecycle.transition(order, target, actor=actor, message=message)


async def fulfill_order(*, order_id: int, actor: Actor) -> Order:
    """Start picking and packing a paid order."""
    return await _advance(
        order_id, OrderStatus.FULFILLING, actor=actor, message="Being picked and packed."
    )


async def mark_shipped(*, order_id: int, actor: Actor, tracking_note: str = "") -> Order:
    """The parcel has left the warehouse."""
    message = "Shipped." + (f" {tracking_note}" if tracking_note else "")
    return await _advance(order_id, OrderStatus.SHIPPED, actor=actor, message=message)


async def mark_delivered(*, order_id: int, actor: Actor) -> Order:
    """The parcel has reached the customer."""
    return await _advance(order_id, OrderStatus.DELIVERED, actor=actor, message="Delivered.")


async def complete_order(*, order_id: int, actor: Actor) -> Order:
    """Close a delivered order (e.g. once its return window has passed)."""
    return await _advance(order_id, OrderStatus.COMPLETED, actor=actor, message="Completed.")


async def restock(*, order_id: int, reason: str = "cancellation") -> int:
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
        await stock.put_back(variant_id=variant_id, units=by_variant[variant_id], reason=reason)
    for product_id in sorted(by_product):
        await Product.filter(id=product_id, sales_count__gte=by_product[product_id]).update(
            sales_count=F("sales_count") - by_product[product_id]
        )
    return sum(by_variant.values())


async def delivered_at(*, order_id: int) -> datetime | None:
    """When the order was marked delivered (its timeline), or None if it never was."""
    row = (
        await OrderEvent.filter(order_id=order_id, kind=OrderStatus.DELIVERED.value)
        .order_by("-created_at")
        .first()
        .values("created_at")
    )
    return row["created_at"] if row else None
