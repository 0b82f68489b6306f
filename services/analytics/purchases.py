"""PURCHASE events recorded from bought orders (never sent by clients)."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.transactions import in_transaction

from models.accounts import User
from models.analytics import BehaviourEvent, EventKind
from models.orders import PURCHASED_STATUSES, Cart, Order, OrderLine
from services.analytics.shoppers import PERSONALIZATION

_CHUNK = 2000


async def record_purchases(*, order_id: int) -> int:
    """Record one PURCHASE event per line of a bought order (once; later calls do nothing)."""
    return await record_order_purchases(order_ids=[order_id])


async def record_order_purchases(*, order_ids: Iterable[int]) -> int:
    """PURCHASE events for many orders in bulk; orders already recorded or not bought are skipped.

    The event time is when the order was paid (else placed); a guest order is attributed to
    its cart token, the same anonymous id the guest's other events carry.
    """
    ids = sorted(set(order_ids))
    written = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        async with in_transaction():
            written += await _record_chunk(chunk)
    return written


async def _record_chunk(order_ids: list[int]) -> int:
    orders = {
        row["id"]: row
        for row in await Order.filter(id__in=order_ids, status__in=list(PURCHASED_STATUSES)).values(
            "id", "user_id", "cart_id", "placed_at", "paid_at"
        )
    }
    if not orders:
        return 0
    # Orders recorded before are skipped. Their events carry the order's own time, so the
    # occurred_at index finds them without scanning the (large) event table by order_id.
    times = list({row["paid_at"] or row["placed_at"] for row in orders.values()})
    for order_id in await BehaviourEvent.filter(
        occurred_at__in=times, order_id__in=list(orders), kind=EventKind.PURCHASE
    ).values_list("order_id", flat=True):
        orders.pop(order_id, None)
    if not orders:
        return 0
    user_ids = {row["user_id"] for row in orders.values() if row["user_id"] is not None}
    opted_out = set(
        await User.filter(id__in=list(user_ids), personalization_consent=False).values_list(
            "id", flat=True
        )
        if user_ids
        else []
    )
    cart_ids = {row["cart_id"] for row in orders.values() if row["cart_id"] is not None}
    tokens = {
        row["id"]: row["token"]
        for row in (
            await Cart.filter(id__in=list(cart_ids)).values("id", "token") if cart_ids else []
        )
    }
    lines = await OrderLine.filter(order_id__in=list(orders), product_id__isnull=False).values(
        "order_id", "product_id", "variant_id", "quantity", "returned_quantity"
    )
    rows = []
    for line in lines:
        quantity = line["quantity"] - line["returned_quantity"]
        if quantity <= 0:
            continue
        order = orders[line["order_id"]]
        context = {"source": "order"}
        if order["user_id"] in opted_out:
            context[PERSONALIZATION] = "off"
        rows.append(
            BehaviourEvent(
                kind=EventKind.PURCHASE,
                user_id=order["user_id"],
                anonymous_id=None if order["user_id"] else tokens.get(order["cart_id"]),
                product_id=line["product_id"],
                variant_id=line["variant_id"],
                order_id=line["order_id"],
                quantity=quantity,
                context=context,
                occurred_at=order["paid_at"] or order["placed_at"],
            )
        )
    await BehaviourEvent.bulk_create(rows, batch_size=1000)
    return len(rows)
