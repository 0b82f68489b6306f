"""The return preview's points line: what the refund would take back of the points the order
earned and give back of the points spent on it, the same as the reversal then books."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal as D

import pytest

from models.aftersales import CaseReason
from models.membership import EntryKind, PointsAllocation, PointsEntry, PointsLot
from models.orders import Order, OrderLine
from services import clock
from services.aftersales import preview
from services.flows import return_points
from services.membership import Extent, reverse_order
from tests.aftersales._helpers import delivered_order
from tests.factories import create_user, create_variant

pytestmark = pytest.mark.usefixtures("database")


async def _lot(user_id: int, points: int, remaining: int, **kw: object) -> PointsLot:
    now = clock.now()
    return await PointsLot.create(
        user_id=user_id,
        points=points,
        remaining=remaining,
        available_at=now - timedelta(days=1),
        expires_at=now + timedelta(days=300),
        **kw,
    )


async def test_points_line_matches_what_the_reversal_books() -> None:
    # Given a member's order of 2 x 20.00, 10.00 of it paid with 100 points, which earned
    # 50 points of which 30 are spent already
    user = await create_user()
    variant = await create_variant(price="20.00", stock=5)
    order = await delivered_order(user, (variant, 2))
    await Order.filter(id=order.id).update(points_discount=D("10.00"))
    line = await OrderLine.get(order_id=order.id)
    await _lot(user.id, 50, 20, order_id=order.id, order_line_id=line.id, quantity=2)
    source = await _lot(user.id, 100, 0)
    spend = await PointsEntry.create(
        user_id=user.id,
        kind=EntryKind.SPEND,
        points=-100,
        idempotency_key=uuid.uuid4().hex,
        order_id=order.id,
        created_at=clock.now(),
    )
    await PointsAllocation.create(entry_id=spend.id, lot_id=source.id, points=-100)

    # When the customer previews returning one unit
    shown = await preview.preview_return(
        order_id=order.id,
        units={line.id: 1},
        reason=CaseReason.DEFECTIVE,
        points_back=return_points.points_back,
    )

    # Then the refund is 20.00 less its 5.00 share of points, and the points line says what
    # the reversal the refund states books: the unit's half of the line's lot, and the spent
    # points back by the share of money
    assert shown.total == D("15.00")
    fresh = await Order.get(id=order.id)
    share = D("15.00") / (D(fresh.total) + D("10.00"))
    booked = await reverse_order(
        user_id=user.id,
        order_id=order.id,
        extent=Extent(share=share, returned={line.id: 1}),
        key="preview-check",
    )
    assert booked.reversed + booked.shortfall == 25
    assert shown.points_back == booked.reversed + booked.shortfall
    assert shown.points_restored == booked.restored
    assert shown.points_back is not None and shown.points_back > 0
    assert shown.points_restored is not None and shown.points_restored > 0
    # And after the reversal the same refund would take nothing more
    again = await return_points.points_back(order.id, D("15.00"), {line.id: 1})
    assert again is not None and (again.taken_back, again.restored) == (0, 0)


async def test_guests_and_orders_without_points_have_no_or_zero_points_line() -> None:
    user = await create_user()
    variant = await create_variant(price="12.00", stock=5)
    order = await delivered_order(user, (variant, 1))
    line = await OrderLine.get(order_id=order.id)
    plain = await preview.preview_return(
        order_id=order.id,
        units={line.id: 1},
        reason=CaseReason.UNWANTED,
        points_back=return_points.points_back,
    )
    assert (plain.points_back, plain.points_restored) == (0, 0)
    await Order.filter(id=order.id).update(user_id=None)
    assert await return_points.points_back(order.id, D("12.00"), {line.id: 1}) is None
