"""A case's parcels through logistics: the return parcel (label and tracking) the customer
sends the items back in, and the repaired toy's parcel out. The parcel and the case's
record of it are written in one transaction; asking again returns the parcel made."""

from __future__ import annotations

from models.aftersales import Case, CaseKind, CaseStatus
from models.logistics import ShipmentPurpose
from services.aftersales import outcomes
from services.aftersales.errors import AftersalesErrorCode, error, translated
from services.errors import DomainError
from services.events.records import EventRecord
from services.logistics.returns import create_aftersales_shipment
from services.logistics.shipments import LineRequest
from services.transactions import transaction

C = AftersalesErrorCode


async def _parcel(
    case: Case,
    purpose: ShipmentPurpose,
    lines: list[tuple[int, int]],
    *,
    carrier_code: str,
    tracking_number: str | None,
    label_url: str,
) -> int:
    if case.order_id is None or not lines:
        raise error(C.TRANSITION_NOT_ALLOWED, "Nothing of this case can travel.", field="caseId")
    try:
        shipment = await create_aftersales_shipment(
            order_id=case.order_id,
            purpose=purpose,
            carrier_code=carrier_code,
            lines=[LineRequest(line_id, units) for line_id, units in lines],
            tracking_number=tracking_number,
            label_url=label_url,
        )
    except DomainError as failure:
        raise translated(failure, C.PARCEL_FAILED) from None
    return shipment.id


async def send_return_parcel(
    *, case_id: int, carrier_code: str, tracking_number: str | None = None, label_url: str = ""
) -> Case:
    """The return parcel of an approved return, exchange or repair, once per case."""
    async with transaction():
        case = await outcomes.returnable_parcel_case(case_id=case_id)
        if case.return_shipment_id is not None:
            return case
        lines = await outcomes.units(case.id, arrived_only=False)
        shipment_id = await _parcel(
            case,
            ShipmentPurpose.RETURN,
            lines,
            carrier_code=carrier_code,
            tracking_number=tracking_number,
            label_url=label_url,
        )
        await outcomes.attach_return_shipment(case, shipment_id)
    return case


async def ship_repair(
    *, case_id: int, carrier_code: str, tracking_number: str | None = None, label_url: str = ""
) -> Case:
    """Send a received repair back mended: its parcel out, and the case becomes REPAIRED."""
    async with transaction():
        case = await outcomes.received_case(case_id=case_id, kind=CaseKind.REPAIR)
        if case.status == CaseStatus.REPAIRED:
            return case
        lines = await outcomes.units(case.id, arrived_only=True)
        shipment_id = await _parcel(
            case,
            ShipmentPurpose.REPAIR,
            lines,
            carrier_code=carrier_code,
            tracking_number=tracking_number,
            label_url=label_url,
        )
        await outcomes.mark_repaired(case, shipment_id=shipment_id)
    return case


async def after_return_parcel_delivered(record: EventRecord) -> None:
    """A return parcel reached the shop: its case's timeline says so (staff then inspect)."""
    if record.payload.get("purpose") != ShipmentPurpose.RETURN.value:
        return
    await outcomes.note_return_parcel(shipment_id=int(record.aggregate_id), status="delivered")
