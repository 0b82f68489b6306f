"""After-sales parcels of an order: a return coming back to the shop (with its label and
tracking) and a repaired toy going out again. They are tracked like any shipment (carrier
pushes match their numbers) but do not count towards the order's shipped or delivered
units, and promise nothing, so they never make the order move or become late."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError

from models.logistics import Shipment, ShipmentLine, ShipmentPurpose, ShipmentStatus
from models.orders import Order, OrderLine
from services import clock
from services.logistics import carriers, emission, tracking
from services.logistics.errors import LogisticsErrorCode, error
from services.logistics.shipments import LineRequest, _check_number_free, normalize_number
from services.transactions import transaction

E = LogisticsErrorCode
AFTERSALES = frozenset({ShipmentPurpose.RETURN, ShipmentPurpose.REPAIR})
# An order in these statuses never reached the customer: nothing can come back.
NOT_RECEIVED = frozenset({"unpaid", "cancelled"})


async def create_aftersales_shipment(
    *,
    order_id: int,
    purpose: ShipmentPurpose,
    carrier_code: str,
    lines: Sequence[LineRequest],
    tracking_number: str | None = None,
    label_url: str = "",
    service_level: str = "",
) -> Shipment:
    """A RETURN or REPAIR parcel of `lines` (at most the units ordered) of a received order."""
    if purpose not in AFTERSALES:
        raise error(E.LINES_REQUIRED, "Only return and repair parcels are made here.")
    number = normalize_number(tracking_number)
    carrier = await carriers.get_carrier(code=carrier_code)
    if not lines:
        raise error(E.LINES_REQUIRED, "Name at least one line.", field="lines")
    async with transaction():
        order = await Order.filter(id=order_id).select_for_update().first()
        if order is None:
            raise error(E.ORDER_NOT_FOUND, "No such order.", field="orderId")
        if str(order.status) in NOT_RECEIVED:
            raise error(
                E.ORDER_NOT_SHIPPABLE, f"An order that is {order.status} has nothing to return."
            )
        ordered = {
            row["id"]: int(row["quantity"])
            for row in await OrderLine.filter(order_id=order_id).values("id", "quantity")
        }
        for request in lines:
            if request.order_line_id not in ordered:
                raise error(E.LINE_NOT_FOUND, "That line is not on this order.", field="lines")
            if not 1 <= request.quantity <= ordered[request.order_line_id]:
                raise error(E.QUANTITY_INVALID, "At most the units ordered.", field="lines")
        await _check_number_free(carrier, number, None)
        try:
            shipment = await Shipment.create(
                order_id=order_id,
                carrier_id=carrier.id,
                purpose=purpose,
                service_level=service_level.strip()[:60],
                tracking_number=number,
                tracking_url=carriers.tracking_url(carrier, number),
                label_url=label_url.strip()[:600],
                ship_date=clock.now().date(),
                status=ShipmentStatus.PENDING,
            )
        except IntegrityError:
            raise error(
                E.TRACKING_NUMBER_IN_USE,
                f"{carrier.name} tracking number {number} was already used today.",
                field="trackingNumber",
            ) from None
        await ShipmentLine.bulk_create(
            [
                ShipmentLine(
                    shipment_id=shipment.id, order_line_id=r.order_line_id, quantity=r.quantity
                )
                for r in lines
            ]
        )
        await emission.emit(
            emission.T.SHIPMENT_CREATED,
            shipment,
            carrier.code,
            lines=[{"orderLinePk": r.order_line_id, "quantity": r.quantity} for r in lines],
        )
        await tracking.claim_unmatched(shipment, carrier.code)
    return shipment
