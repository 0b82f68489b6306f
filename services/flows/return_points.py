"""The loyalty points a return's refund would move, for the return preview: the refund pays
for returned lines, so membership takes back what those lines earned (services/flows/
membership_points.py, `returnedLines`) and gives back spent points by the share of money; the
preview asks membership's read-only preview with the same extent the refund will state."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from models.orders import Order, RefundStatus
from services.aftersales.preview import PointsChange
from services.membership import previews
from services.membership.reversal import Extent
from services.orders import settlement


async def points_back(
    order_id: int, refund: Decimal, units: Mapping[int, int] | None = None
) -> PointsChange | None:
    """What refunding `refund` more on the order, for the returned `units` (order line id ->
    quantity), takes back and gives back; None for a guest's order."""
    order = await Order.get_or_none(id=order_id)
    if order is None or order.user_id is None:
        return None
    refunded = Decimal(order.refunded_total) + refund
    paid = Decimal(order.total) + Decimal(order.points_discount)
    full = refunded >= Decimal(order.total) and Decimal(order.total) > 0
    returned = (
        await settlement.returned_so_far(
            order.id, [RefundStatus.SUCCEEDED, RefundStatus.PENDING], plus=units
        )
        if units
        else None
    )
    extent = Extent(full=full, share=refunded / paid if paid > 0 else Decimal(0), returned=returned)
    found = await previews.reversal_preview(user_id=order.user_id, order_id=order.id, extent=extent)
    return PointsChange(taken_back=found.taken_back, restored=found.restored)
