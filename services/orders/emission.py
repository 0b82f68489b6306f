"""The orders domain's events: what a partner may rely on in each payload (README, "Events").

Payloads carry GraphQL global IDs, money as strings with the currency, and no personal data:
no e-mail and no address. A partner that needs those (a shipping tool) reads the order
through the API with the orders scope, where the usual authorization applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from models.orders import Order, OrderLine, OrderStatus
from services.events import outbox
from services.events.ids import global_id
from services.events.types import EventTypeName

T = EventTypeName
S = OrderStatus
# The event a status change stands for; refunds carry their amount and emit themselves.
BY_STATUS: dict[OrderStatus, EventTypeName] = {
    S.PAID: T.ORDER_PAID,
    S.CANCELLED: T.ORDER_CANCELLED,
    S.FULFILLING: T.ORDER_FULFILLED,
    S.SHIPPED: T.ORDER_SHIPPED,
    S.DELIVERED: T.ORDER_DELIVERED,
    S.COMPLETED: T.ORDER_COMPLETED,
}


def order_ref(order: Order) -> dict[str, Any]:
    """The fields every order event starts with."""
    return {
        "orderId": global_id("Order", order.id),
        "number": order.number,
        "status": OrderStatus(order.status).name,
        "customerId": global_id("User", order.user_id),
        "currency": order.currency,
        "total": Decimal(order.total),
        "pointsDiscount": Decimal(order.points_discount),
    }


async def emit(type: EventTypeName, order: Order, **extra: Any) -> str:
    """Write one order event in the current transaction."""
    return await outbox.emit(type, aggregate_id=order.id, payload=order_ref(order) | extra)


async def status_changed(order: Order, target: OrderStatus, data: dict[str, Any]) -> None:
    """The event of a transition to `target` (none for refunds: see `refunded`)."""
    type = BY_STATUS.get(target)
    if type is None:
        return
    extra: dict[str, Any] = {}
    if target == S.PAID:
        extra["paidAt"] = order.paid_at
        extra["lines"] = await lines_of(order.id)
    elif target == S.CANCELLED:
        extra["reason"] = str(data.get("reason") or "")
        extra["refunding"] = data.get("refunded") or "0.00"
    await emit(type, order, **extra)


async def refunded(
    order: Order, *, amount: Decimal, full: bool, returned: Mapping[int, int] | None = None
) -> None:
    """`returnedLines` only when the refund pays for returned lines: the quantity of each
    line the order's returns have refunded so far (cumulative, so a replay or a reordering
    of events states the same target)."""
    extra: dict[str, Any] = {}
    if returned:
        extra["returnedLines"] = [
            {"lineId": global_id("OrderLine", line_id), "quantity": quantity}
            for line_id, quantity in sorted(returned.items())
        ]
    await emit(
        T.ORDER_REFUNDED,
        order,
        amount=amount,
        full=full,
        refundedTotal=Decimal(order.refunded_total),
        **extra,
    )


async def lines_of(order_id: int) -> list[dict[str, Any]]:
    """The order's lines as `order.placed` and `order.paid` carry them (one query)."""
    rows = (
        await OrderLine.filter(order_id=order_id)
        .order_by("id")
        .values("id", "variant_id", "product_id", "sku", "quantity", "unit_price", "total")
    )
    return [
        {
            "lineId": global_id("OrderLine", row["id"]),
            "variantId": global_id("Variant", row["variant_id"]),
            "productId": global_id("Product", row["product_id"]),
            "sku": row["sku"],
            "quantity": row["quantity"],
            "unitPrice": Decimal(row["unit_price"]),
            "total": Decimal(row["total"]),
        }
        for row in rows
    ]
