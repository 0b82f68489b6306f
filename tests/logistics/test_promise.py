"""Delivery promises in business days, estimates as they change, and lateness."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from models.events import DomainEvent
from models.logistics import DeliveryEstimate, Shipment, ShipmentStatus
from models.orders import DeliveryMethod
from services import clock
from services.logistics import lateness, tracking
from services.logistics.calendar import BusinessCalendar
from services.logistics.promise import promise_for
from tests.logistics._helpers import carrier, shipment, update

S = ShipmentStatus
CHRISTMAS = BusinessCalendar(holidays=frozenset({date(2026, 12, 24), date(2026, 12, 25)}))


def test_business_days_skip_weekends_and_holidays() -> None:
    # Tuesday 22 Dec 2026, 3 business days: Wed 23, (24, 25 holidays, weekend), Mon 28, Tue 29
    assert CHRISTMAS.add_business_days(date(2026, 12, 22), 3) == date(2026, 12, 29)
    assert CHRISTMAS.add_business_days(date(2026, 12, 26), 0) == date(2026, 12, 28)
    assert CHRISTMAS.business_days_between(date(2026, 12, 22), date(2026, 12, 29)) == 3


def test_the_promise_counts_from_the_dispatch_cutoff() -> None:
    morning = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday before the cut-off
    evening = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)  # a Friday after it

    standard = promise_for(DeliveryMethod.STANDARD, ordered_at=morning, calendar=CHRISTMAS)
    express_late = promise_for(DeliveryMethod.EXPRESS, ordered_at=evening, calendar=CHRISTMAS)
    chosen = promise_for(DeliveryMethod.STANDARD, ordered_at=morning, chosen_date=date(2026, 12, 9))

    assert standard is not None and (standard.earliest, standard.latest) == (
        date(2026, 12, 2),
        date(2026, 12, 4),
    )
    # Dispatched Monday 7th, delivered the next business day
    assert express_late is not None and express_late.latest == date(2026, 12, 8)
    assert chosen is not None and chosen.earliest == chosen.latest == date(2026, 12, 9)
    assert promise_for(None, ordered_at=morning) is None


@pytest.mark.usefixtures("database")
async def test_an_estimate_past_the_promise_makes_the_shipment_late_once() -> None:
    parcel = await shipment()
    promised = clock.now().date() + timedelta(days=2)
    await Shipment.filter(id=parcel.id).update(promised_from=promised, promised_to=promised)
    n = parcel.tracking_number or ""

    await tracking.ingest(
        carrier=await carrier(),
        updates=[
            update(n, S.IN_TRANSIT, 1, estimated_delivery=promised),
            update(n, S.IN_TRANSIT, 2, code="HUB", estimated_delivery=promised + timedelta(days=3)),
        ],
        source="test",
    )
    await tracking.ingest(
        carrier=await carrier(),
        updates=[update(n, S.OUT_FOR_DELIVERY, 3, estimated_delivery=promised + timedelta(days=4))],
        source="test",
    )

    row = await Shipment.get(id=parcel.id)
    assert row.late_at is not None
    assert row.estimated_delivery == promised + timedelta(days=4)
    estimates = await DeliveryEstimate.filter(shipment_id=parcel.id).values_list(
        "estimated_date", flat=True
    )
    assert estimates == [promised + timedelta(days=3), promised + timedelta(days=4)]
    late = await DomainEvent.filter(
        aggregate_type="shipment", aggregate_id=str(parcel.id), type="shipment.late"
    ).values_list("payload", flat=True)
    assert [p["reason"] for p in late] == ["will_miss"]


@pytest.mark.usefixtures("database")
async def test_the_sweep_marks_parcels_past_their_promise_and_not_delivered_ones() -> None:
    overdue, delivered, on_time = await shipment(), await shipment(), await shipment()
    yesterday = clock.now().date() - timedelta(days=1)
    for parcel in (overdue, delivered):
        await Shipment.filter(id=parcel.id).update(promised_from=yesterday, promised_to=yesterday)
    await Shipment.filter(id=on_time.id).update(promised_to=yesterday + timedelta(days=5))
    await Shipment.filter(id=delivered.id).update(
        status=S.DELIVERED, delivered_at=clock.now() - timedelta(days=2)
    )

    await lateness.sweep()
    again = await lateness.sweep()

    assert (await Shipment.get(id=overdue.id)).late_at is not None
    assert (await Shipment.get(id=delivered.id)).late_at is None
    assert (await Shipment.get(id=on_time.id)).late_at is None
    assert again == 0
    assert (
        await DomainEvent.filter(
            aggregate_id=str(overdue.id), aggregate_type="shipment", type="shipment.late"
        ).count()
        == 1
    )
