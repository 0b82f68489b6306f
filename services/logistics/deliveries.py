"""What was delivered to whom: order lines in delivered shipments, for other domains
(verified reviews, review requests) through flows and public reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.logistics import Shipment, ShipmentLine, ShipmentStatus
from models.orders import PURCHASED_STATUSES, Order, OrderLine, OrderStatus

# Orders marked delivered by staff without any tracking count as delivered too.
_DELIVERED_ORDERS = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)


@dataclass(frozen=True)
class Delivery:
    order_id: int
    product_id: int
    user_id: int
    delivered_at: datetime


async def delivered_to(*, user_id: int, product_id: int) -> bool:
    """Whether a shipment holding an order line of the product reached the user."""
    shipped = await ShipmentLine.filter(
        order_line__product_id=product_id,
        order_line__order__user_id=user_id,
        shipment__status=ShipmentStatus.DELIVERED,
        shipment__cancelled_at__isnull=True,
    ).exists()
    if shipped:
        return True
    return await OrderLine.filter(
        product_id=product_id, order__user_id=user_id, order__status__in=_DELIVERED_ORDERS
    ).exists()


async def paid_untracked_before(*, user_id: int, product_id: int, paid_before: datetime) -> bool:
    """Whether the user bought the product in an order paid before `paid_before` for which
    no shipment exists at all (nothing tracks it)."""
    orders = await OrderLine.filter(
        product_id=product_id,
        order__user_id=user_id,
        order__status__in=list(PURCHASED_STATUSES),
        order__paid_at__lte=paid_before,
    ).values_list("order_id", flat=True)
    if not orders:
        return False
    tracked = set(
        await Shipment.filter(order_id__in=list(orders)).values_list("order_id", flat=True)
    )
    return any(order_id not in tracked for order_id in orders)


async def deliveries_between(*, since: datetime, until: datetime, limit: int) -> list[Delivery]:
    """Order lines of members' orders delivered in [since, until), oldest first."""
    rows = (
        await ShipmentLine.filter(
            shipment__status=ShipmentStatus.DELIVERED,
            shipment__cancelled_at__isnull=True,
            shipment__delivered_at__gte=since,
            shipment__delivered_at__lt=until,
            order_line__product_id__isnull=False,
            order_line__order__user_id__isnull=False,
        )
        .order_by("shipment__delivered_at", "id")
        .limit(limit)
        .values(
            "order_line__order_id",
            "order_line__product_id",
            "order_line__order__user_id",
            "shipment__delivered_at",
        )
    )
    return [
        Delivery(
            order_id=row["order_line__order_id"],
            product_id=row["order_line__product_id"],
            user_id=row["order_line__order__user_id"],
            delivered_at=row["shipment__delivered_at"],
        )
        for row in rows
    ]


async def bought_recently(*, product_id: int, since: datetime, limit: int) -> list[int]:
    """Members who bought the product in orders paid since `since`, most recent first."""
    rows = (
        await Order.filter(
            lines__product_id=product_id,
            status__in=list(PURCHASED_STATUSES),
            paid_at__gte=since,
            user_id__isnull=False,
        )
        .order_by("-paid_at")
        .limit(limit * 3)
        .values_list("user_id", flat=True)
    )
    seen: list[int] = []
    for user_id in rows:
        if isinstance(user_id, int) and user_id not in seen:
            seen.append(user_id)
    return seen[:limit]
