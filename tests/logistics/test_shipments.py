"""Shipments of an order: quantities never exceed what was ordered minus what shipped,
cancelling frees them, and promises come from the order's delivery option."""

from __future__ import annotations

import asyncio

import pytest

from models.logistics import Shipment, ShipmentLine, ShipmentStatus
from models.orders import OrderLine
from services.errors import DomainError
from services.logistics import shipments, tracking
from services.logistics.shipments import LineRequest
from tests.conftest import using_postgres
from tests.logistics._helpers import carrier, number, order_with, update

pytestmark = pytest.mark.usefixtures("database")


async def _lines(order_id: int) -> list[int]:
    return list(
        await OrderLine.filter(order_id=order_id).order_by("id").values_list("id", flat=True)
    )


async def test_split_fulfilment_ships_each_unit_once() -> None:
    await carrier()
    order = await order_with([3, 1])
    first, second = await _lines(order.id)

    await shipments.create_shipment(
        order_id=order.id, carrier_code="dhl", lines=[LineRequest(first, 2)]
    )
    with pytest.raises(DomainError) as refused:
        await shipments.create_shipment(
            order_id=order.id, carrier_code="dhl", lines=[LineRequest(first, 2)]
        )
    rest = await shipments.create_shipment(order_id=order.id, carrier_code="dhl")

    assert refused.value.code == "QUANTITY_EXCEEDS_UNSHIPPED"
    assert sorted(
        await ShipmentLine.filter(shipment_id=rest.id).values_list("order_line_id", "quantity")
    ) == sorted([(first, 1), (second, 1)])
    progress = await shipments.order_progress(order_id=order.id)
    assert (progress.ordered, progress.shipped, progress.delivered) == (4, 4, 0)
    with pytest.raises(DomainError) as nothing_left:
        await shipments.create_shipment(order_id=order.id, carrier_code="dhl")
    assert nothing_left.value.code == "ORDER_NOT_SHIPPABLE"


async def test_a_line_of_another_order_and_an_unpaid_order_are_refused() -> None:
    await carrier()
    order = await order_with([1])
    other = await order_with([1])
    unpaid = await order_with([1], status="unpaid")
    (foreign,) = await _lines(other.id)

    with pytest.raises(DomainError) as wrong_line:
        await shipments.create_shipment(
            order_id=order.id, carrier_code="dhl", lines=[LineRequest(foreign, 1)]
        )
    with pytest.raises(DomainError) as not_paid:
        await shipments.create_shipment(order_id=unpaid.id, carrier_code="dhl")

    assert wrong_line.value.code == "LINE_NOT_FOUND"
    assert not_paid.value.code == "ORDER_NOT_SHIPPABLE"


async def test_cancelling_before_it_left_frees_its_units_and_not_after() -> None:
    await carrier()
    order = await order_with([1])
    n = number()
    parcel = await shipments.create_shipment(
        order_id=order.id, carrier_code="dhl", tracking_number=n
    )

    await shipments.cancel_shipment(shipment_id=parcel.id)
    again = await shipments.create_shipment(
        order_id=order.id, carrier_code="dhl", tracking_number=n
    )
    await tracking.ingest(
        carrier=await carrier(), updates=[update(n, ShipmentStatus.IN_TRANSIT, 1)], source="test"
    )

    with pytest.raises(DomainError) as left:
        await shipments.cancel_shipment(shipment_id=again.id)
    assert left.value.code == "SHIPMENT_ALREADY_LEFT"
    assert (await Shipment.get(id=parcel.id)).status == ShipmentStatus.CANCELLED


async def test_a_shipment_carries_the_promise_of_the_orders_delivery_option() -> None:
    await carrier()
    order = await order_with([1])
    order.delivery_method = "express"
    await order.save(update_fields=["delivery_method"])

    parcel = await shipments.create_shipment(order_id=order.id, carrier_code="dhl")

    assert parcel.promised_from is not None and parcel.promised_to is not None
    assert parcel.promised_from == parcel.promised_to  # express: one business day
    assert parcel.promised_to.isoweekday() <= 5


@pytest.mark.skipif(not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL to run")
async def test_concurrent_shipments_never_ship_more_than_was_ordered() -> None:
    # Given an order line of 3 units
    await carrier()
    order = await order_with([3])
    (line,) = await _lines(order.id)

    # When 10 shipments of 1 unit each are created at once
    outcomes = await asyncio.gather(
        *(
            shipments.create_shipment(
                order_id=order.id, carrier_code="dhl", lines=[LineRequest(line, 1)]
            )
            for _ in range(10)
        ),
        return_exceptions=True,
    )

    # Then exactly 3 were made and 7 were told nothing is left
    made = [o for o in outcomes if isinstance(o, Shipment)]
    codes = [o.code for o in outcomes if isinstance(o, DomainError)]
    assert len(made) == 3
    assert codes == ["QUANTITY_EXCEEDS_UNSHIPPED"] * 7
    assert (
        sum(await ShipmentLine.filter(order_line_id=line).values_list("quantity", flat=True)) == 3
    )
