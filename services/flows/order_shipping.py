"""Order shipping, the staff shortcut: `orderMarkShipped` moves the order to SHIPPED and
records the parcel as a shipment of every unit not yet in one, so that no order is shipped
without a shipment to track (carrier `other` when staff name none)."""

from __future__ import annotations

from models.orders import Order
from services.errors import DomainError
from services.logistics import shipments
from services.logistics.errors import LogisticsErrorCode
from services.orders import fulfilment
from services.orders.errors import OrderErrorCode, error
from services.orders.lifecycle import Actor
from services.transactions import transaction

# Logistics refusals the orders payload can carry under the same code.
SHARED_CODES = {
    LogisticsErrorCode.CARRIER_NOT_FOUND: OrderErrorCode.CARRIER_NOT_FOUND,
    LogisticsErrorCode.TRACKING_NUMBER_INVALID: OrderErrorCode.TRACKING_NUMBER_INVALID,
    LogisticsErrorCode.TRACKING_NUMBER_IN_USE: OrderErrorCode.TRACKING_NUMBER_IN_USE,
}


async def mark_shipped(
    *,
    order_id: int,
    actor: Actor,
    note: str = "",
    carrier_code: str | None = None,
    tracking_number: str | None = None,
) -> Order:
    """SHIPPED, with a shipment of what had not shipped yet, in one transaction."""
    async with transaction():
        order = await fulfilment.mark_shipped(order_id=order_id, actor=actor, tracking_note=note)
        progress = await shipments.order_progress(order_id=order_id)
        if progress.shipped < progress.ordered:
            try:
                await shipments.create_shipment(
                    order_id=order_id,
                    carrier_code=carrier_code or "other",
                    tracking_number=tracking_number,
                )
            except DomainError as refused:
                code = SHARED_CODES.get(LogisticsErrorCode(refused.code))
                if code is None:
                    raise
                raise error(code, refused.message, field=refused.field) from None
    return order
