"""A late or lost parcel opens a complaint by itself (setting SHOPGRAPH_CASE_LATE_SHIPMENTS),
linked to the shipment: one complaint per parcel, whichever came first."""

from __future__ import annotations

from models.aftersales import Case, CaseKind, CaseReason
from models.orders import Order
from services.aftersales import policy
from services.events import actors
from services.events.records import EventRecord
from services.flows import case_opening
from services.logistics.vocabulary import is_lost


async def _complaint(record: EventRecord, reason: CaseReason, note: str, what: str) -> None:
    if not policy.from_environment().late_shipment_cases:
        return
    if record.payload.get("purpose", "order") != "order":
        return  # a return or repair parcel: no delivery was promised to the customer
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
            reason=reason,
            reason_note=note,
            description=f"Parcel of order {order.number} {what}.",
            order_id=order.id,
            shipment_id=shipment_id,
        )


async def after_shipment_late(record: EventRecord) -> None:
    """One complaint per late shipment of a registered customer; a replay opens nothing."""
    await _complaint(record, CaseReason.LATE_DELIVERY, "", "is late")


async def after_shipment_exception(record: EventRecord) -> None:
    """A parcel the carrier reports lost opens a complaint (other exceptions do not)."""
    if is_lost(record.payload.get("subStatus")):
        await _complaint(record, CaseReason.OTHER, "Lost by the carrier", "was lost in transit")
