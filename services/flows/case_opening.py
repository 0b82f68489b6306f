"""Opening an after-sales case: the delivery time from logistics (or the order's own
timeline), the member's priority perk, then the case itself."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from models.aftersales import Case, CaseKind, CaseReason
from models.orders import OrderLine
from services import aftersales, membership
from services.aftersales import policy
from services.logistics import shipments
from services.orders import fulfilment


async def delivered_at(order_id: int) -> datetime | None:
    """Delivered according to the shipments, else to the order's own timeline."""
    return await shipments.delivered_at(order_id=order_id) or await fulfilment.delivered_at(
        order_id=order_id
    )


async def open_case(
    *,
    customer_id: int,
    kind: CaseKind,
    reason: CaseReason,
    reason_note: str = "",
    description: str = "",
    photo_urls: Sequence[str] = (),
    order_id: int | None = None,
    lines: Sequence[aftersales.LineRequest] = (),
    shipment_id: int | None = None,
    terms: policy.Policy | None = None,
) -> Case:
    """A customer's case, with the window counted from delivery and the priority perk."""
    delivered = await delivered_at(order_id) if order_id is not None else None
    perks = await membership.perks_for(customer_id)
    return await aftersales.open_case(
        customer_id=customer_id,
        kind=kind,
        reason=reason,
        reason_note=reason_note,
        description=description,
        photo_urls=photo_urls,
        order_id=order_id,
        lines=lines,
        delivered_at=delivered,
        priority_boost=perks.aftersales_priority,
        shipment_id=shipment_id,
        terms=terms,
    )


async def preview_units(order_id: int, lines: Sequence[aftersales.LineRequest]) -> dict[int, int]:
    """The request's units per line, keeping only lines of the order."""
    ids = set(await OrderLine.filter(order_id=order_id).values_list("id", flat=True))
    return {r.order_line_id: r.quantity for r in lines if r.order_line_id in ids}
