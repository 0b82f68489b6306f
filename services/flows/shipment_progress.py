"""Shipment progress: an order's status follows its shipments (partially shipped, shipped,
delivered) through the order state machine, with its timeline.

Run by the durable consumer of shipment events (carrier pushes, the demo carrier) and
directly after a staff or partner creates or cancels a shipment, so their answer already
shows the order's new status; the consumer then finds nothing left to do (idempotent).
"""

from __future__ import annotations

import logging

from models.orders import OrderStatus
from services.events.records import EventRecord
from services.logistics import shipments
from services.orders import fulfilment, lifecycle
from services.orders.lifecycle import SYSTEM, Actor
from services.transactions import transaction

logger = logging.getLogger("shopgraph.flows.shipment_progress")
S = OrderStatus
# The way through the state machine, in order; a step the machine allows is taken.
CHAIN = (S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED)
MESSAGES = {
    S.PARTIALLY_SHIPPED: "Part of the order has shipped.",
    S.SHIPPED: "Everything has shipped.",
    S.DELIVERED: "Every parcel was delivered.",
}


async def target_status(*, order_id: int) -> OrderStatus | None:
    """The status the order's shipments call for; None before anything shipped."""
    progress = await shipments.order_progress(order_id=order_id)
    if progress.shipped == 0 or progress.ordered == 0:
        return None
    if progress.delivered >= progress.ordered:
        return S.DELIVERED
    if progress.shipped >= progress.ordered:
        return S.SHIPPED
    return S.PARTIALLY_SHIPPED


async def follow_shipments(*, order_id: int, actor: Actor = SYSTEM) -> OrderStatus | None:
    """Move the order as far along CHAIN as its shipments say; its status afterwards."""
    target = await target_status(order_id=order_id)
    async with transaction():
        order = await fulfilment.locked_order(order_id)
        if target is None:
            return OrderStatus(order.status)
        path = CHAIN[: CHAIN.index(target) + 1]
        for index, step in enumerate(path):
            current = OrderStatus(order.status)
            if current == step or not lifecycle.can_transition(current, step):
                continue
            # A step the order may jump over is skipped (all shipped at once: no "partially").
            if any(lifecycle.can_transition(current, later) for later in path[index + 1 :]):
                continue
            await lifecycle.transition(order, step, actor=actor, message=MESSAGES[step])
        return OrderStatus(order.status)


async def after_shipment_event(record: EventRecord) -> None:
    """Durable consumer of shipment events: the order catches up with its parcels."""
    order_pk = record.payload.get("orderPk")
    if not isinstance(order_pk, int):
        return
    await follow_shipments(order_id=order_pk)
