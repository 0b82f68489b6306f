"""A late parcel opens a complaint by itself (setting SHOPGRAPH_CASE_LATE_SHIPMENTS)."""

from __future__ import annotations

from models.aftersales import Case, CaseKind, CaseReason
from models.orders import Order
from services.aftersales import policy
from services.events import actors
from services.events.records import EventRecord
from services.flows import case_opening


async def after_shipment_late(record: EventRecord) -> None:
    """One complaint per late shipment of a registered customer; a replay opens nothing."""
    if not policy.from_environment().late_shipment_cases:
        return
    shipment_id = int(record.aggregate_id)
    order_id = record.payload.get("orderPk")
    if order_id is None or await Case.exists(shipment_id=shipment_id, kind=CaseKind.COMPLAINT):
        return
    order = await Order.get_or_none(id=int(order_id))
    if order is None or order.user_id is None:
        return  # guests have no case inbox
    with actors.acting_as(actors.SYSTEM):
        await case_opening.open_case(
            customer_id=order.user_id,
            kind=CaseKind.COMPLAINT,
            reason=CaseReason.LATE_DELIVERY,
            description=f"Parcel of order {order.number} is late.",
            order_id=order.id,
            shipment_id=shipment_id,
        )
