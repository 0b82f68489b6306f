"""Order status transitions, all in one place, and the order timeline (OrderEvent)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.orders import Order, OrderEvent, OrderStatus
from services import clock
from services.orders import emission
from services.orders.errors import OrderErrorCode, error

S = OrderStatus

# Which status may follow which. Refunds may come at any point after payment; a partially
# refunded order may still be fulfilled (the rest of it ships) or refunded further.
ALLOWED: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.UNPAID: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset(
        {
            S.FULFILLING,
            S.PARTIALLY_SHIPPED,
            S.SHIPPED,
            S.CANCELLED,
            S.REFUNDED,
            S.PARTIALLY_REFUNDED,
        }
    ),
    S.FULFILLING: frozenset(
        {S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED, S.REFUNDED, S.PARTIALLY_REFUNDED}
    ),
    # Split fulfilment: the order follows its shipments (services/flows/shipment_progress.py).
    S.PARTIALLY_SHIPPED: frozenset({S.SHIPPED, S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.DELIVERED: frozenset({S.COMPLETED, S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.COMPLETED: frozenset({S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset(
        {
            S.FULFILLING,
            S.PARTIALLY_SHIPPED,
            S.SHIPPED,
            S.DELIVERED,
            S.COMPLETED,
            S.PARTIALLY_REFUNDED,
            S.REFUNDED,
        }
    ),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

# Statuses in which the customer may still cancel: nothing has left the warehouse.
CANCELLABLE = frozenset({S.UNPAID, S.PAID, S.FULFILLING})
# Statuses in which money has been taken and may be refunded.
REFUNDABLE = frozenset(
    {
        S.PAID,
        S.FULFILLING,
        S.PARTIALLY_SHIPPED,
        S.SHIPPED,
        S.DELIVERED,
        S.COMPLETED,
        S.PARTIALLY_REFUNDED,
    }
)


@dataclass(frozen=True)
class Actor:
    """Who caused an event: `customer`, `guest`, `staff` or `system`, with the user if any."""

    kind: str
    user_id: int | None = None


SYSTEM = Actor("system")


def can_transition(current: OrderStatus | str, target: OrderStatus | str) -> bool:
    """True when `target` may follow `current`."""
    return OrderStatus(target) in ALLOWED[OrderStatus(current)]


def check_transition(current: OrderStatus | str, target: OrderStatus | str) -> None:
    """Raise TRANSITION_NOT_ALLOWED unless `target` may follow `current`."""
    if not can_transition(current, target):
        raise error(
            OrderErrorCode.TRANSITION_NOT_ALLOWED,
            f"An order that is {OrderStatus(current).value} cannot become "
            f"{OrderStatus(target).value}.",
        )


async def transition(
    order: Order,
    target: OrderStatus,
    *,
    actor: Actor,
    message: str,
    kind: str | None = None,
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    conditions: dict[str, Any] | None = None,
) -> Order:
    """Move `order` to `target` unless the rules or a concurrent change forbid it; log it.

    The update is conditional on the status the caller read (plus `conditions`), so two
    concurrent transitions of one order cannot both win. The status's domain event is
    written with it, so call inside `services.transactions.transaction()`.
    """
    check_transition(order.status, target)
    values = {"status": target, "updated_at": clock.now(), **(changes or {})}
    updated = await Order.filter(id=order.id, status=order.status, **(conditions or {})).update(
        **values
    )
    if updated == 0:
        raise error(
            OrderErrorCode.TRANSITION_NOT_ALLOWED,
            f"Order {order.number} changed meanwhile; reload it and try again.",
        )
    for name, value in values.items():
        setattr(order, name, value)
    await record_event(order, kind or target.value, message, actor=actor, data=data)
    await emission.status_changed(order, target, data or {})
    return order


async def record_event(
    order: Order,
    kind: str,
    message: str,
    *,
    actor: Actor = SYSTEM,
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    """Append one entry to the order's timeline."""
    return await OrderEvent.create(
        order_id=order.id,
        kind=kind,
        message=message[:500],
        actor=actor.kind,
        actor_user_id=actor.user_id,
        data=data or {},
    )
