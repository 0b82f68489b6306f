"""The loyalty points a return's refund would move, for the return preview: membership
reverses an order's points by the share of its money refunded (services/flows/
membership_points.py), so the preview asks membership's read-only preview with the share
this refund would bring the order to."""

from __future__ import annotations

from decimal import Decimal

from models.orders import Order
from services.aftersales.preview import PointsChange
from services.membership import previews
from services.membership.reversal import Extent


async def points_back(order_id: int, refund: Decimal) -> PointsChange | None:
    """What refunding `refund` more on the order takes back and gives back; None for a
    guest's order."""
    order = await Order.get_or_none(id=order_id)
    if order is None or order.user_id is None:
        return None
    refunded = Decimal(order.refunded_total) + refund
    paid = Decimal(order.total) + Decimal(order.points_discount)
    full = refunded >= Decimal(order.total) and Decimal(order.total) > 0
    extent = Extent(full=full, share=refunded / paid if paid > 0 else Decimal(0))
    found = await previews.reversal_preview(user_id=order.user_id, order_id=order.id, extent=extent)
    return PointsChange(taken_back=found.taken_back, restored=found.restored)
