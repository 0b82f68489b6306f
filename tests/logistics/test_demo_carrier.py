"""The demo carrier moves demo parcels through a whole timeline, with exceptions and late
parcels where its seeded plan says so."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.logistics import Shipment, ShipmentStatus, TrackingEvent
from services import clock
from services.logistics import demo, shipments
from tests.logistics._helpers import carrier, number, order_with

pytestmark = pytest.mark.usefixtures("database")
S = ShipmentStatus


def test_about_one_in_eight_plans_has_an_exception_and_some_are_late() -> None:
    plans = [demo.plan_for(i) for i in range(1, 401)]
    with_exception = sum(any(step[0] == S.EXCEPTION for step in p.steps) for p in plans)
    late = sum(p.late for p in plans)

    assert 25 <= with_exception <= 75  # 50 expected
    assert 40 <= late <= 100  # 67 expected
    assert all(p.steps[-1][0] == S.DELIVERED for p in plans)


async def test_ticks_carry_a_parcel_from_label_to_door() -> None:
    await carrier("demo")
    order = await order_with([1])
    parcel = await shipments.create_shipment(
        order_id=order.id, carrier_code="demo", tracking_number=number()
    )
    steps = len(demo.plan_for(parcel.id).steps)
    start = clock.now()

    for index in range(steps + 2):
        await demo.tick(now=start + timedelta(minutes=index), ship=0)

    row = await Shipment.get(id=parcel.id)
    timeline = await TrackingEvent.filter(shipment_id=parcel.id).order_by("occurred_at")
    assert row.status == S.DELIVERED
    assert len(timeline) == steps
    planned = [step[0] for step in demo.plan_for(parcel.id).steps]
    assert [e.status for e in timeline] == planned
    # A repeated status (in transit, then at the hub) is a timeline entry, not a move
    moves = [s for i, s in enumerate(planned) if i == 0 or s != planned[i - 1]]
    assert [e.status for e in timeline if e.applied] == moves


async def test_each_tick_ships_paid_orders_that_have_no_shipment() -> None:
    demo_carrier = await carrier("demo")
    await order_with([1])
    before = await Shipment.filter(carrier_id=demo_carrier.id).count()

    shipped = await demo.ship_some(limit=2)

    assert shipped >= 1
    assert await Shipment.filter(carrier_id=demo_carrier.id).count() == before + shipped
