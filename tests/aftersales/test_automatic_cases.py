"""A late parcel opens one complaint for the customer, linked to the shipment."""

from __future__ import annotations

import pytest

from models.aftersales import Case, CaseKind, CaseReason, CaseStatus
from services import clock
from services.events.records import EventRecord
from services.flows import late_shipment_case
from tests.factories import create_order, create_user

pytestmark = pytest.mark.usefixtures("database")


def _late(shipment_id: int, order_id: int, position: int) -> EventRecord:
    return EventRecord(
        id=f"evt-{shipment_id}-{position}",
        type="shipment.late",
        aggregate_type="shipment",
        aggregate_id=str(shipment_id),
        sequence=position,
        version=1,
        actor="system",
        occurred_at=clock.now(),
        position=position,
        payload={"orderPk": order_id},
    )


async def test_late_shipment_opens_one_complaint_even_when_replayed() -> None:
    user = await create_user()
    order = await create_order(user, status="shipped")
    shipment_id = 900_000 + order.id
    await late_shipment_case.after_shipment_late(_late(shipment_id, order.id, 1))
    await late_shipment_case.after_shipment_late(_late(shipment_id, order.id, 2))
    opened = await Case.filter(shipment_id=shipment_id)
    assert len(opened) == 1
    case = opened[0]
    assert (case.kind, case.reason, case.status) == (
        CaseKind.COMPLAINT,
        CaseReason.LATE_DELIVERY,
        CaseStatus.NEW,
    )
    assert (case.customer_id, case.order_id) == (user.id, order.id)


async def test_guest_orders_open_no_case() -> None:
    order = await create_order(None, status="shipped")
    await late_shipment_case.after_shipment_late(_late(800_000 + order.id, order.id, 1))
    assert not await Case.exists(shipment_id=800_000 + order.id)
