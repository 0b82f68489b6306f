"""Shipments of an order: which lines and how many units, carrier and tracking; cancelling
one that has not left. Units shipped never exceed units ordered (the order row is locked)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum

from models.logistics import Carrier, Shipment, ShipmentLine, ShipmentPurpose, ShipmentStatus
from models.orders import Order, OrderLine
from services import clock
from services.logistics import carriers, emission, rules, tracking
from services.logistics.errors import LogisticsErrorCode, error
from services.logistics.promise import promise_for
from services.transactions import transaction

E = LogisticsErrorCode
TRACKING_NUMBER = re.compile(r"^[A-Z0-9-]{1,64}$")
# Order statuses (values, so a status added later by orders stays a string here) in which
# units may leave the warehouse.
SHIPPABLE_ORDER_STATUSES = frozenset(
    {"paid", "fulfilling", "partially_shipped", "shipped", "partially_refunded"}
)


@dataclass(frozen=True)
class LineRequest:
    order_line_id: int
    quantity: int


@dataclass(frozen=True)
class OrderProgress:
    """Units of an order: ordered, in (live) shipments, and in delivered shipments."""

    ordered: int
    shipped: int
    delivered: int


def normalize_number(number: str | None) -> str | None:
    if number is None or not number.strip():
        return None
    cleaned = number.replace(" ", "").strip().upper()
    if not TRACKING_NUMBER.match(cleaned):
        raise error(
            E.TRACKING_NUMBER_INVALID,
            "A tracking number is 1-64 letters, digits or -.",
            field="trackingNumber",
        )
    return cleaned


async def shipped_units(order_id: int) -> dict[int, int]:
    """Units per order line in the order's own shipments that are not cancelled."""
    rows = (
        await ShipmentLine.filter(
            shipment__order_id=order_id,
            shipment__cancelled_at__isnull=True,
            shipment__purpose=ShipmentPurpose.ORDER,
        )
        .group_by("order_line_id")
        .annotate(units=Sum("quantity"))
        .values("order_line_id", "units")
    )
    return {row["order_line_id"]: int(row["units"] or 0) for row in rows}


async def _check_number_free(carrier: Carrier, number: str | None, own_id: int | None) -> None:
    if number is None:
        return
    live = Shipment.filter(carrier_id=carrier.id, tracking_number=number, cancelled_at__isnull=True)
    live = live.exclude(status__in=[s.value for s in rules.FINAL])
    if own_id is not None:
        live = live.exclude(id=own_id)
    if await live.exists():
        raise error(
            E.TRACKING_NUMBER_IN_USE,
            f"{carrier.name} tracking number {number} is on a parcel still under way.",
            field="trackingNumber",
        )


async def create_shipment(
    *,
    order_id: int,
    carrier_code: str,
    lines: Sequence[LineRequest] | None = None,
    tracking_number: str | None = None,
    service_level: str = "",
    label_url: str = "",
    weight_grams: int | None = None,
) -> Shipment:
    """A shipment of `lines` (every unit not yet shipped when None) of a paid order."""
    number = normalize_number(tracking_number)
    carrier = await carriers.get_carrier(code=carrier_code)
    if weight_grams is not None and not 0 < weight_grams <= 1_000_000:
        raise error(E.QUANTITY_INVALID, "Weight is 1 to 1,000,000 grams.", field="weightGrams")
    async with transaction():
        order = await Order.filter(id=order_id).select_for_update().first()
        if order is None:
            raise error(E.ORDER_NOT_FOUND, "No such order.", field="orderId")
        if str(order.status) not in SHIPPABLE_ORDER_STATUSES:
            raise error(
                E.ORDER_NOT_SHIPPABLE,
                f"An order that is {order.status} cannot ship.",
                field="orderId",
            )
        ordered = {
            row["id"]: row["quantity"]
            for row in await OrderLine.filter(order_id=order_id).values("id", "quantity")
        }
        shipped = await shipped_units(order_id)
        remaining = {lid: qty - shipped.get(lid, 0) for lid, qty in ordered.items()}
        wanted = _wanted(lines, remaining)
        await _check_number_free(carrier, number, None)
        today = clock.now().date()
        promise = promise_for(
            order.delivery_method,
            ordered_at=order.paid_at or order.placed_at,
            chosen_date=order.delivery_date,
        )
        try:
            shipment = await Shipment.create(
                order_id=order_id,
                carrier_id=carrier.id,
                service_level=service_level.strip()[:60],
                tracking_number=number,
                tracking_url=carriers.tracking_url(carrier, number),
                label_url=label_url.strip()[:600],
                weight_grams=weight_grams,
                ship_date=today,
                status=ShipmentStatus.PENDING,
                promised_from=promise.earliest if promise else None,
                promised_to=promise.latest if promise else None,
            )
        except IntegrityError:
            raise error(
                E.TRACKING_NUMBER_IN_USE,
                f"{carrier.name} tracking number {number} was already used today.",
                field="trackingNumber",
            ) from None
        await ShipmentLine.bulk_create(
            [
                ShipmentLine(shipment_id=shipment.id, order_line_id=lid, quantity=q)
                for lid, q in wanted
            ]
        )
        await emission.emit(
            emission.T.SHIPMENT_CREATED,
            shipment,
            carrier.code,
            lines=[{"orderLinePk": lid, "quantity": q} for lid, q in wanted],
        )
        await tracking.claim_unmatched(shipment, carrier.code)
    return shipment


def _wanted(
    lines: Sequence[LineRequest] | None, remaining: dict[int, int]
) -> list[tuple[int, int]]:
    if lines is None:
        wanted = [(lid, left) for lid, left in sorted(remaining.items()) if left > 0]
        if not wanted:
            raise error(E.ORDER_NOT_SHIPPABLE, "Every unit of this order has shipped.")
        return wanted
    if not lines:
        raise error(E.LINES_REQUIRED, "Name at least one line to ship.", field="lines")
    totals: dict[int, int] = defaultdict(int)
    for request in lines:
        if request.order_line_id not in remaining:
            raise error(E.LINE_NOT_FOUND, "That line is not on this order.", field="lines")
        if not 1 <= request.quantity <= 10_000:
            raise error(E.QUANTITY_INVALID, "Ship at least one unit.", field="lines")
        totals[request.order_line_id] += request.quantity
    for lid, quantity in totals.items():
        if quantity > remaining[lid]:
            raise error(
                E.QUANTITY_EXCEEDS_UNSHIPPED,
                f"Only {max(remaining[lid], 0)} unit(s) of that line are left to ship.",
                field="lines",
            )
    return sorted(totals.items())


async def _locked(shipment_id: int) -> Shipment:
    found = await Shipment.filter(id=shipment_id).select_for_update().first()
    if found is None:
        raise error(E.SHIPMENT_NOT_FOUND, "No such shipment.", field="shipmentId")
    return found


async def set_tracking(
    *, shipment_id: int, tracking_number: str, carrier_code: str | None = None
) -> Shipment:
    """Give a shipment (its) tracking number, e.g. once the label is bought."""
    number = normalize_number(tracking_number)
    if number is None:
        raise error(E.TRACKING_NUMBER_INVALID, "Give a tracking number.", field="trackingNumber")
    async with transaction():
        shipment = await _locked(shipment_id)
        if ShipmentStatus(shipment.status) in rules.FINAL:
            raise error(E.SHIPMENT_ALREADY_LEFT, "This shipment is closed.", field="shipmentId")
        carrier = (
            await carriers.get_carrier(code=carrier_code)
            if carrier_code
            else await Carrier.get(id=shipment.carrier_id)
        )
        await _check_number_free(carrier, number, shipment.id)
        shipment.carrier_id = carrier.id
        shipment.tracking_number = number
        shipment.tracking_url = carriers.tracking_url(carrier, number)
        try:
            await shipment.save(
                update_fields=["carrier_id", "tracking_number", "tracking_url", "updated_at"]
            )
        except IntegrityError:
            raise error(
                E.TRACKING_NUMBER_IN_USE,
                "That number was already used today.",
                field="trackingNumber",
            ) from None
        await emission.emit(emission.T.SHIPMENT_UPDATED, shipment, carrier.code, reason="tracking")
        await tracking.claim_unmatched(shipment, carrier.code)
    return shipment


async def cancel_shipment(*, shipment_id: int) -> Shipment:
    """Cancel a shipment that has not left; its units may ship again."""
    async with transaction():
        shipment = await _locked(shipment_id)
        if shipment.shipped_at is not None or ShipmentStatus(shipment.status) not in (
            ShipmentStatus.PENDING,
            ShipmentStatus.INFO_RECEIVED,
        ):
            raise error(
                E.SHIPMENT_ALREADY_LEFT,
                "This shipment has left the warehouse; it can no longer be cancelled.",
                field="shipmentId",
            )
        now = clock.now()
        shipment.status = ShipmentStatus.CANCELLED
        shipment.status_at = now
        shipment.cancelled_at = now
        # The label's number is free again (the scope includes the ship date, so keeping it
        # would block a new label with it today); the timeline still shows what it was.
        if shipment.tracking_number:
            shipment.sub_status = f"label {shipment.tracking_number} voided"[:60]
        shipment.tracking_number = None
        await shipment.save(
            update_fields=[
                "status", "sub_status", "tracking_number", "status_at", "cancelled_at", "updated_at"
            ]
        )  # fmt: skip
        carrier = await Carrier.get(id=shipment.carrier_id)
        await emission.emit(emission.T.SHIPMENT_UPDATED, shipment, carrier.code, reason="cancelled")
    return shipment


async def order_progress(*, order_id: int) -> OrderProgress:
    """How much of an order is in live shipments, and how much of that was delivered."""
    lines = await OrderLine.filter(order_id=order_id).values("quantity")
    ordered = sum(int(line["quantity"]) for line in lines)
    rows = await ShipmentLine.filter(
        shipment__order_id=order_id,
        shipment__cancelled_at__isnull=True,
        shipment__purpose=ShipmentPurpose.ORDER,
    ).values("quantity", "shipment__status")
    shipped = sum(row["quantity"] for row in rows)
    delivered = sum(
        row["quantity"] for row in rows if row["shipment__status"] == ShipmentStatus.DELIVERED
    )
    return OrderProgress(ordered=int(ordered), shipped=shipped, delivered=delivered)


async def delivered_at(*, order_id: int) -> datetime | None:
    """When the order's last live shipment was delivered; None while any is not delivered
    (or the order has none). After-sales counts its return window from here."""
    rows = await Shipment.filter(
        order_id=order_id, cancelled_at__isnull=True, purpose=ShipmentPurpose.ORDER
    ).values("status", "delivered_at")
    if not rows or any(row["status"] != ShipmentStatus.DELIVERED for row in rows):
        return None
    times = [row["delivered_at"] for row in rows if row["delivered_at"] is not None]
    return max(times) if times else None
