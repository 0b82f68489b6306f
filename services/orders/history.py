"""Order lists: a customer's history and the staff search, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.orders import Order, OrderStatus


@dataclass(frozen=True)
class OrderFilter:
    user_id: int | None = None
    status: OrderStatus | None = None
    email: str | None = None
    number: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None


@dataclass(frozen=True)
class OrderSlice:
    orders: list[Order]
    total: int
    has_next: bool


async def get_order(*, order_id: int) -> Order:
    """The order as stored now (read again after a change)."""
    return await Order.get(id=order_id)


async def list_orders(*, filters: OrderFilter, offset: int, limit: int) -> OrderSlice:
    """Orders matching every given condition, newest first, with the total count."""
    query = Order.all()
    if filters.user_id is not None:
        query = query.filter(user_id=filters.user_id)
    if filters.status is not None:
        query = query.filter(status=filters.status)
    if filters.email:
        query = query.filter(email__icontains=filters.email.strip().lower())
    if filters.number:
        query = query.filter(number=filters.number.strip().upper())
    if filters.placed_from is not None:
        query = query.filter(placed_at__gte=filters.placed_from)
    if filters.placed_to is not None:
        query = query.filter(placed_at__lt=filters.placed_to)
    total = await query.count()
    rows = await query.order_by("-placed_at", "-id").offset(offset).limit(limit + 1)
    return OrderSlice(orders=list(rows[:limit]), total=total, has_next=len(rows) > limit)


async def shipping_addresses(*, user_id: int, limit: int = 50) -> list[tuple[str, str, str]]:
    """Where the customer's latest orders went, as (line1, postal code, country)."""
    rows = (
        await Order.filter(user_id=user_id, shipping_address__not_isnull=True)
        .order_by("-id")
        .limit(limit)
        .values_list("shipping_address", flat=True)
    )
    found: list[tuple[str, str, str]] = []
    for address in rows:
        if isinstance(address, dict):
            found.append(
                (
                    str(address.get("line1", "")),
                    str(address.get("postal_code", "")),
                    str(address.get("country", "")),
                )
            )
    return found
