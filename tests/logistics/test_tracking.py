"""Tracking ingestion: the forward-only rule, duplicates, reused tracking numbers and kept
unknown numbers, on whichever database the suite runs on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.events import DomainEvent
from models.logistics import Shipment, ShipmentStatus, TrackingEvent, UnmatchedTracking
from services.logistics import shipments, tracking
from services.logistics.adapters import TrackingUpdate
from tests.conftest import using_postgres
from tests.logistics._helpers import at, carrier, number, order_with, shipment, update

pytestmark = pytest.mark.usefixtures("database")
S = ShipmentStatus


async def _push(*updates: object, code: str = "dhl") -> tracking.IngestResult:
    return await tracking.ingest(carrier=await carrier(code), updates=updates, source="test")  # type: ignore[arg-type]


async def _timeline(shipment_id: int) -> list[tuple[str, bool]]:
    rows = await TrackingEvent.filter(shipment_id=shipment_id).order_by("occurred_at", "id")
    return [(row.status.value, row.applied) for row in rows]


async def test_a_late_event_is_kept_but_never_moves_a_delivered_parcel_back() -> None:
    parcel = await shipment()
    n = parcel.tracking_number or ""
    await _push(update(n, S.IN_TRANSIT, 1), update(n, S.DELIVERED, 30))

    result = await _push(update(n, S.OUT_FOR_DELIVERY, 26))

    row = await Shipment.get(id=parcel.id)
    assert row.status == S.DELIVERED
    assert result.stored == 1 and result.moved == 0
    assert await _timeline(parcel.id) == [
        ("in_transit", True),
        ("out_for_delivery", False),
        ("delivered", True),
    ]
    assert row.delivered_at is not None and row.shipped_at is not None


async def test_an_out_of_order_batch_is_applied_in_time_order() -> None:
    parcel = await shipment()
    n = parcel.tracking_number or ""

    await _push(
        update(n, S.OUT_FOR_DELIVERY, 20), update(n, S.INFO_RECEIVED, 0), update(n, S.IN_TRANSIT, 5)
    )

    row = await Shipment.get(id=parcel.id)
    assert row.status == S.OUT_FOR_DELIVERY
    assert [s for s, applied in await _timeline(parcel.id) if applied] == [
        "info_received",
        "in_transit",
        "out_for_delivery",
    ]


async def test_an_older_event_arriving_after_a_newer_one_moves_nothing() -> None:
    parcel = await shipment()
    n = parcel.tracking_number or ""
    await _push(update(n, S.OUT_FOR_DELIVERY, 10))

    await _push(update(n, S.EXCEPTION, 4))

    assert (await Shipment.get(id=parcel.id)).status == S.OUT_FOR_DELIVERY


async def test_a_parcel_recovers_from_an_exception_where_it_was_not_before() -> None:
    parcel = await shipment()
    n = parcel.tracking_number or ""
    await _push(update(n, S.IN_TRANSIT, 1), update(n, S.EXCEPTION, 2, sub_status="customs"))
    assert (await Shipment.get(id=parcel.id)).status == S.EXCEPTION

    # An event that would move it back before its progress is kept, not applied
    await _push(update(n, S.INFO_RECEIVED, 3))
    assert (await Shipment.get(id=parcel.id)).status == S.EXCEPTION

    # Continuing from where it was is allowed, and so is a failed attempt then a retry
    await _push(update(n, S.IN_TRANSIT, 4))
    await _push(update(n, S.OUT_FOR_DELIVERY, 5), update(n, S.ATTEMPTED_DELIVERY, 6))
    await _push(update(n, S.OUT_FOR_DELIVERY, 30))
    row = await Shipment.get(id=parcel.id)
    assert row.status == S.OUT_FOR_DELIVERY
    assert row.progress == 3


async def test_events_of_each_status_move_are_emitted() -> None:
    parcel = await shipment()
    n = parcel.tracking_number or ""

    await _push(update(n, S.IN_TRANSIT, 1), update(n, S.EXCEPTION, 2), update(n, S.DELIVERED, 9))

    types = (
        await DomainEvent.filter(aggregate_type="shipment", aggregate_id=str(parcel.id))
        .order_by("sequence")
        .values_list("type", flat=True)
    )
    assert types == [
        "shipment.created",
        "shipment.updated",
        "shipment.exception",
        "shipment.delivered",
    ]


async def test_duplicates_are_stored_once_in_a_batch_and_across_pushes() -> None:
    parcel = await shipment()
    n = parcel.tracking_number or ""
    first = update(n, S.IN_TRANSIT, 1, code="ARR")

    result = await _push(first, first, update(n, S.IN_TRANSIT, 1, code="DEP"))
    again = await _push(first)

    assert (result.stored, result.duplicates) == (2, 1)
    assert (again.stored, again.duplicates) == (0, 1)
    assert await TrackingEvent.filter(shipment_id=parcel.id).count() == 2


async def test_a_reused_tracking_number_starts_a_new_shipment() -> None:
    # Given a parcel delivered a month ago whose number the carrier now reuses
    n = number()
    old = await shipment(tracking=n)
    await _push(update(n, S.DELIVERED, 1))
    await Shipment.filter(id=old.id).update(ship_date=at(0).date() - timedelta(days=30))
    await TrackingEvent.filter(shipment_id=old.id).delete()
    new = await shipment(tracking=n)

    # When the new parcel is scanned, and a late event of the old one arrives
    await _push(update(n, S.INFO_RECEIVED, 0))
    await _push(TrackingUpdate(n, S.DELIVERED, at(0) - timedelta(days=29), carrier_code="DLV"))

    # Then each event went to its own parcel: the new one starts its own timeline
    assert (await Shipment.get(id=new.id)).status == S.INFO_RECEIVED
    assert (await Shipment.get(id=old.id)).status == S.DELIVERED
    assert await _timeline(new.id) == [("info_received", True)]
    assert await _timeline(old.id) == [("delivered", False)]


async def test_a_number_on_a_parcel_under_way_cannot_be_given_to_another() -> None:
    n = number()
    await shipment(tracking=n)
    with pytest.raises(Exception) as refused:
        await shipment(tracking=n)
    assert getattr(refused.value, "code", None) == "TRACKING_NUMBER_IN_USE"


async def test_an_unknown_number_is_kept_and_applied_once_a_shipment_carries_it() -> None:
    n = number()
    result = await _push(update(n, S.INFO_RECEIVED, 0))
    assert result.unmatched == 1
    assert await UnmatchedTracking.filter(tracking_number=n).count() == 1

    parcel = await shipment(tracking=n)

    assert (await Shipment.get(id=parcel.id)).status == S.INFO_RECEIVED
    assert await UnmatchedTracking.filter(tracking_number=n).count() == 0


async def test_a_shipment_without_a_number_gets_one_later_and_follows_it() -> None:
    await carrier()
    order = await order_with([2])
    parcel = await shipments.create_shipment(order_id=order.id, carrier_code="dhl")
    n = number()
    await _push(update(n, S.IN_TRANSIT, 1))

    await shipments.set_tracking(shipment_id=parcel.id, tracking_number=n.lower())

    row = await Shipment.get(id=parcel.id)
    assert row.tracking_number == n
    assert row.status == S.IN_TRANSIT
    assert row.tracking_url.endswith(n)


@pytest.mark.skipif(not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL to run")
async def test_the_same_push_sent_five_times_at_once_is_stored_once() -> None:
    import asyncio

    parcel = await shipment()
    n = parcel.tracking_number or ""
    batch = [
        update(n, S.IN_TRANSIT, 1),
        update(n, S.OUT_FOR_DELIVERY, 2),
        update(n, S.DELIVERED, 3),
    ]

    results = await asyncio.gather(*(_push(*batch) for _ in range(5)))

    assert sum(r.stored for r in results) == 3
    assert sum(r.duplicates for r in results) == 12
    assert sum(r.moved for r in results) == 3
    assert await TrackingEvent.filter(shipment_id=parcel.id).count() == 3
    assert (await Shipment.get(id=parcel.id)).status == S.DELIVERED
