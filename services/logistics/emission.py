"""The logistics domain's events and their payloads (README, "Logistics").

Payloads carry global IDs, the carrier, tracking and status, never an address or a name.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from models.logistics import Shipment, ShipmentPurpose, ShipmentStatus
from services.events import outbox
from services.events.types import EventTypeName

T = EventTypeName
S = ShipmentStatus
# The event a move to a status stands for; every other move is shipment.updated.
BY_STATUS: dict[ShipmentStatus, EventTypeName] = {
    S.DELIVERED: T.SHIPMENT_DELIVERED,
    S.EXCEPTION: T.SHIPMENT_EXCEPTION,
    S.ATTEMPTED_DELIVERY: T.SHIPMENT_EXCEPTION,
    S.RETURNING_TO_SENDER: T.SHIPMENT_EXCEPTION,
}
SHIPMENT_TYPES = frozenset(
    {
        T.SHIPMENT_CREATED,
        T.SHIPMENT_UPDATED,
        T.SHIPMENT_DELIVERED,
        T.SHIPMENT_EXCEPTION,
        T.SHIPMENT_LATE,
    }
)


def _gid(type_name: str, pk: int) -> str:
    # strawberry's global ID form; services may not import the schema.
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode("ascii")


def payload(shipment: Shipment, carrier_code: str, **extra: Any) -> dict[str, Any]:
    return {
        "shipmentId": _gid("Shipment", shipment.id),
        "orderId": _gid("Order", shipment.order_id),
        "orderPk": shipment.order_id,
        "carrier": carrier_code,
        "purpose": ShipmentPurpose(shipment.purpose).value,
        "trackingNumber": shipment.tracking_number,
        "status": ShipmentStatus(shipment.status).value,
        "subStatus": shipment.sub_status,
        "statusAt": shipment.status_at,
        "promisedTo": shipment.promised_to,
        "estimatedDelivery": shipment.estimated_delivery,
        "deliveredAt": shipment.delivered_at,
        **extra,
    }


async def emit(type: EventTypeName, shipment: Shipment, carrier_code: str, **extra: Any) -> None:
    await outbox.emit(
        type, aggregate_id=shipment.id, payload=payload(shipment, carrier_code, **extra)
    )


async def emit_status(
    shipment: Shipment,
    carrier_code: str,
    status: ShipmentStatus,
    sub_status: str,
    at: datetime,
) -> None:
    """The event of one move to `status` (a push may move a shipment several times)."""
    kind = BY_STATUS.get(status, T.SHIPMENT_UPDATED)
    await emit(kind, shipment, carrier_code, status=status, subStatus=sub_status, statusAt=at)
