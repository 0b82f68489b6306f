"""Helpers for logistics tests: an order with lines, a shipment of it, updates at times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.logistics import Carrier, Shipment, ShipmentStatus
from models.orders import Order, OrderLine
from services.logistics import carriers, shipments
from services.logistics.adapters import TrackingUpdate
from tests.factories import create_order, unique

# carrier events of a shipment made today fall within days of its ship date: tests place
# them from yesterday 08:00 on, whatever day they run
BASE = (datetime.now(UTC) - timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)


def at(hours: float) -> datetime:
    return BASE + timedelta(hours=hours)


def lately(hours: float = 0.0) -> str:
    """An ISO time `hours` after yesterday's start: carrier events must fall near the ship
    date of a shipment made today, whatever day the tests run on."""
    start = (datetime.now(UTC) - timedelta(days=1)).replace(hour=0, minute=0, second=0)
    return (start.replace(microsecond=0) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def number() -> str:
    return unique("TRK").upper()


async def carrier(code: str = "dhl") -> Carrier:
    await carriers.ensure_built_in()
    return await Carrier.get(code=code)


async def order_with(units: list[int], *, user: object = None, status: str = "paid") -> Order:
    """A paid order whose lines hold `units` units each."""
    order = await create_order(user, lines=len(units), status=status)  # type: ignore[arg-type]
    for line, quantity in zip(
        await OrderLine.filter(order_id=order.id).order_by("id"), units, strict=True
    ):
        line.quantity = quantity
        await line.save(update_fields=["quantity"])
    return order


async def shipment(
    *, tracking: str | None = None, code: str = "dhl", order: Order | None = None
) -> Shipment:
    await carrier(code)
    order = order or await order_with([1])
    return await shipments.create_shipment(
        order_id=order.id, carrier_code=code, tracking_number=tracking or number()
    )


def update(
    tracking: str, status: ShipmentStatus, hours: float, *, code: str = "", **more: object
) -> TrackingUpdate:
    return TrackingUpdate(
        tracking_number=tracking,
        status=status,
        occurred_at=at(hours),
        carrier_code=code or status.value,
        **more,  # type: ignore[arg-type]
    )
