"""The demo carrier: moves the demo store's shipments (carrier `demo`) through a realistic
timeline on a schedule, so GraphiQL users and subscription clients see live tracking
without any outside service.

Each tick ships a few paid orders with the demo carrier and moves every demo parcel one
step: info received, in transit, at the hub, out for delivery, delivered. Seeded by the
shipment id, about one parcel in eight hits an exception (and recovers) and one in six
gets a carrier estimate past its promise, which makes it late (shipment.late).

Off unless SHOPGRAPH_DEMO_CARRIER_SECONDS (the tick interval) is set above 0.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.functions import Count

from models.logistics import Carrier, Shipment, ShipmentStatus, TrackingEvent
from models.orders import Order
from services import clock
from services.errors import DomainError
from services.logistics import carriers, rules, shipments, tracking
from services.logistics.adapters import TrackingUpdate

logger = logging.getLogger("shopgraph.logistics.demo")
S = ShipmentStatus
CODE = "demo"
# (status, sub-status, message, city)
ROUTE = (
    (S.INFO_RECEIVED, "InfoReceived_001", "Label created, waiting for the parcel", "Leipzig"),
    (S.IN_TRANSIT, "InTransit_001", "Picked up from the shop", "Leipzig"),
    (S.IN_TRANSIT, "InTransit_002", "Arrived at the sorting hub", "Halle"),
    (S.OUT_FOR_DELIVERY, "OutForDelivery_001", "Out for delivery", "Berlin"),
    (S.DELIVERED, "Delivered_001", "Delivered to the front door", "Berlin"),
)
EXCEPTION = (S.EXCEPTION, "Exception_004", "Delayed: address could not be read", "Halle")


@dataclass(frozen=True)
class Plan:
    steps: tuple[tuple[ShipmentStatus, str, str, str], ...]
    late: bool


def plan_for(shipment_id: int) -> Plan:
    """The same timeline for the same shipment, every time."""
    rng = random.Random(shipment_id)
    steps = list(ROUTE)
    if rng.random() < 1 / 8:
        steps.insert(3, EXCEPTION)
        steps.insert(4, (S.IN_TRANSIT, "InTransit_003", "Address confirmed, on its way", "Halle"))
    return Plan(steps=tuple(steps), late=rng.random() < 1 / 6)


def next_update(shipment: Shipment, done: int, now: datetime) -> TrackingUpdate | None:
    """The parcel's next event after `done` steps, or None when it arrived."""
    plan = plan_for(shipment.id)
    if done >= len(plan.steps):
        return None
    status, sub, message, city = plan.steps[done]
    estimate = None
    if plan.late and shipment.promised_to is not None and status == S.IN_TRANSIT:
        estimate = shipment.promised_to + timedelta(days=1)
    return TrackingUpdate(
        tracking_number=shipment.tracking_number or "",
        status=status,
        occurred_at=now,
        sub_status=sub,
        carrier_code=f"{sub}-{done}",
        message=message,
        city=city,
        country="DE",
        estimated_delivery=estimate,
    )


async def ship_some(*, limit: int = 3) -> int:
    """Ship a few paid orders of the demo store with the demo carrier."""
    shipped = 0
    rows = (
        await Order.filter(status__in=["paid", "fulfilling"], shipments__id__isnull=True)
        .order_by("id")
        .limit(limit)
        .values("id")
    )
    for order_id in (int(row["id"]) for row in rows):
        try:
            await shipments.create_shipment(
                order_id=order_id,
                carrier_code=CODE,
                tracking_number=f"DEMO{order_id:08d}{random.randint(10, 99)}",
                service_level="Demo Standard",
            )
            shipped += 1
        except DomainError as refused:  # shipped meanwhile, or its number is taken
            logger.info("demo carrier skipped order %s: %s", order_id, refused.message)
    return shipped


async def tick(*, now: datetime | None = None, ship: int = 3) -> int:
    """One step of every demo parcel under way; how many events it pushed."""
    now = now or clock.now()
    await carriers.ensure_built_in()
    carrier = await Carrier.get(code=CODE)
    if ship:
        await ship_some(limit=ship)
    moving = (
        await Shipment.filter(carrier_id=carrier.id, cancelled_at__isnull=True)
        .exclude(status__in=[s.value for s in rules.FINAL])
        .order_by("id")
        .limit(500)
    )
    counts = dict(
        await TrackingEvent.filter(shipment_id__in=[s.id for s in moving])
        .group_by("shipment_id")
        .annotate(n=Count("id"))
        .values_list("shipment_id", "n")
    )
    updates = []
    for shipment in moving:
        done = int(counts.get(shipment.id, 0))
        update = next_update(shipment, done, now)
        if update is not None and update.tracking_number:
            updates.append(update)
    if updates:
        await tracking.ingest(carrier=carrier, updates=updates, source="demo")
    return len(updates)


def interval_from_environment() -> float:
    try:
        return float(os.environ.get("SHOPGRAPH_DEMO_CARRIER_SECONDS", "0"))
    except ValueError:
        return 0.0


async def run_forever(interval: float) -> None:
    while True:
        try:
            await tick()
        except Exception:  # the next tick tries again
            logger.exception("demo carrier tick failed")
        await asyncio.sleep(interval)
