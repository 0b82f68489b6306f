"""Returns take back exactly what the returned lines earned: the refund names its lines, the
`order.refunded` event carries them (cumulative per line), and membership reverses those
lines' lots (with the points each earned), not the share of money, also when the refund
withholds the value of spent points (REDUCE_REFUND) and when two returns race."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from models.aftersales import CaseReason
from models.events import DomainEvent
from models.membership import (
    EntryKind,
    PointsEntry,
    PointsLot,
    PointsWithholding,
    ShortfallPolicy,
)
from models.orders import Order, OrderLine, Payment
from services.aftersales import Policy, preview
from services.events.ids import global_id
from services.flows import return_points
from services.membership import ledger, spend_for_order
from services.orders import refunds
from services.orders.lifecycle import Actor
from services.transactions import transaction
from tests.conftest import using_postgres
from tests.factories import create_user, create_variant
from tests.membership._helpers import settle
from tests.membership.conftest import order_id
from tests.orders._helpers import place, ready_cart

pytestmark = pytest.mark.usefixtures("app")
D = Decimal
STAFF = Actor("staff", None)


async def _two_lines(rule, terms, policy=ShortfallPolicy.NEGATIVE_BALANCE):  # type: ignore[no-untyped-def]
    """A member's paid order of 2 x 12.00 (line a) and 1 x 20.00 (line b) with paid shipping,
    1 point per unit: lot a 24, lot b 20, all available. Money shares differ from line
    shares (shipping is in the order's money, not in the points)."""
    await terms(pending_days=0, min_redeem=1, shortfall_policy=policy)
    await rule(points_per_unit=D(1))
    user = await create_user()
    cart = await ready_cart(
        (await create_variant(price="12.00", stock=5), 2),
        (await create_variant(price="20.00", stock=5), 1),
        user=user,
    )
    order = (await place(cart, user=user)).order
    await settle()
    order = await Order.get(id=order.id)
    assert D(order.shipping_total) > 0
    a, b = sorted(await OrderLine.filter(order_id=order.id), key=lambda line: line.quantity)[::-1]
    lots = {lot.order_line_id: lot for lot in await PointsLot.filter(order_id=order.id)}
    assert (lots[a.id].points, lots[b.id].points) == (24, 20)
    return user, order, a, b


async def _spend(user_id: int, points: int) -> None:
    """Spend on another order, as the customer would after earning."""
    async with transaction():
        await spend_for_order(user_id=user_id, order_id=order_id(), points=points, amount=D(1))


async def _reversed(order: Order) -> dict[int, int]:
    return {lot.order_line_id: lot.reversed for lot in await PointsLot.filter(order_id=order.id)}


async def test_a_return_of_one_line_takes_back_exactly_what_that_line_earned(rule, terms) -> None:
    user, order, a, b = await _two_lines(rule, terms)

    # When line b is returned and refunded (its 20.00), naming the line
    await refunds.refund_order(
        order_id=order.id, amount=D("20.00"), reason="Return", actor=STAFF,
        idempotency_key="ret-b", lines={b.id: 1},
    )  # fmt: skip
    await settle()

    # Then the event carries the line, lot b is reversed in full and lot a not at all
    # (by money share, 20 / (44 + shipping) of each lot would have gone)
    event = await DomainEvent.filter(type="order.refunded", aggregate_id=str(order.id)).first()
    assert event is not None
    assert event.payload["returnedLines"] == [
        {"lineId": global_id("OrderLine", b.id), "quantity": 1}
    ]
    assert await _reversed(order) == {a.id: 0, b.id: 20}
    assert (await ledger.balances(user.id)).available == 24

    # When the same refund is asked again, nothing more moves
    await refunds.refund_order(
        order_id=order.id, amount=D("20.00"), reason="Return", actor=STAFF,
        idempotency_key="ret-b", lines={b.id: 1},
    )  # fmt: skip
    await settle()
    assert await _reversed(order) == {a.id: 0, b.id: 20}

    # When one of line a's two units comes back: half of lot a, lot b untouched
    await refunds.refund_order(
        order_id=order.id, amount=D("12.00"), reason="Return", actor=STAFF,
        idempotency_key="ret-a1", lines={a.id: 1},
    )  # fmt: skip
    await settle()
    assert await _reversed(order) == {a.id: 12, b.id: 20}
    latest = (
        await DomainEvent.filter(type="order.refunded", aggregate_id=str(order.id))
        .order_by("-id")
        .first()
    )
    assert latest is not None
    assert {r["quantity"] for r in latest.payload["returnedLines"]} == {1}
    assert len(latest.payload["returnedLines"]) == 2  # cumulative: both lines so far
    reverse = await PointsEntry.filter(user_id=user.id, kind=EntryKind.REVERSE)
    assert sum(entry.points for entry in reverse) == -32


async def test_a_refund_without_lines_still_goes_by_the_share_of_money(rule, terms) -> None:
    _, order, a, b = await _two_lines(rule, terms)
    await refunds.refund_order(order_id=order.id, amount=D("20.00"), reason="", actor=STAFF)
    await settle()
    event = await DomainEvent.filter(type="order.refunded", aggregate_id=str(order.id)).first()
    assert event is not None and "returnedLines" not in event.payload
    share = D("20.00") / (D(order.total) + D(order.points_discount))
    assert await _reversed(order) == {a.id: int(24 * share), b.id: int(20 * share)}


async def test_reduce_refund_withholds_for_the_returned_line_only(rule, terms) -> None:
    # Given REDUCE_REFUND (1 point = 0.01) and 40 of the order's 44 points spent
    user, order, a, b = await _two_lines(rule, terms, ShortfallPolicy.REDUCE_REFUND)
    await _spend(user.id, 40)
    left_on_b = (await PointsLot.get(order_id=order.id, order_line_id=b.id)).remaining

    # When line b is returned (20.00)
    await refunds.refund_order(
        order_id=order.id, amount=D("20.00"), reason="Return", actor=STAFF,
        idempotency_key="ret-b", lines={b.id: 1},
    )  # fmt: skip
    await settle()

    # Then exactly lot b's 20 points are taken back, what of them was spent is withheld at
    # its value, and lot a keeps everything (the event that followed moved nothing more)
    short = 20 - left_on_b
    assert await _reversed(order) == {a.id: 0, b.id: 20}
    withholding = await PointsWithholding.get(order_id=order.id)
    assert withholding.extent_returned == [[b.id, 1]]
    assert D(withholding.value) == D(short) / 100
    paid = sum(
        (
            D(r)
            for r in await Payment.filter(order_id=order.id).values_list(
                "refunded_amount", flat=True
            )
        ),
        D(0),
    )
    assert paid == D("20.00") - D(short) / 100
    shortfall = await PointsEntry.filter(user_id=user.id, kind=EntryKind.SHORTFALL)
    assert sum(entry.points for entry in shortfall) == -short
    assert (await ledger.balances(user.id)).debt == 0


async def test_the_return_preview_shows_what_a_one_line_return_then_books(rule, terms) -> None:
    # Given the two-line order, 30 of its 44 points spent, and a change-of-mind return of
    # line b with a 10% restocking fee: its refund is 18.00, a money share of the order
    # (with shipping) that is not line b's share of the points
    user, order, a, b = await _two_lines(rule, terms)
    await _spend(user.id, 30)
    fee = Policy(restocking_fee_percent=D("10"))
    shown = await preview.preview_return(
        order_id=order.id, units={b.id: 1}, reason=CaseReason.UNWANTED, terms=fee,
        points_back=return_points.points_back,
    )  # fmt: skip
    assert shown.total == D("18.00")
    share = D("18.00") / (D(order.total) + D(order.points_discount))
    assert shown.points_back == 20 != int(20 * share) + int(24 * share)

    # When staff refund it as the case does (the lines that arrived) and membership reacts
    await refunds.refund_order(
        order_id=order.id, amount=shown.total, reason="Return", actor=STAFF,
        idempotency_key="case-ret-b", lines={b.id: 1},
    )  # fmt: skip
    await settle()

    # Then what was booked is what the preview said
    taken = await PointsEntry.filter(user_id=user.id, kind=EntryKind.REVERSE)
    short = await PointsEntry.filter(user_id=user.id, kind=EntryKind.SHORTFALL)
    booked = -sum(e.points for e in taken) - sum(e.points for e in short)
    assert booked == shown.points_back
    assert await _reversed(order) == {a.id: 0, b.id: 20}


@pytest.mark.skipif(
    not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
)
@pytest.mark.parametrize(
    "policy", [ShortfallPolicy.NEGATIVE_BALANCE, ShortfallPolicy.REDUCE_REFUND]
)
async def test_two_returns_of_different_lines_at_once_take_back_exactly_their_sum(
    rule, terms, policy
) -> None:
    user, order, a, b = await _two_lines(rule, terms, policy)
    await _spend(user.id, 20)

    async def give_back(line: OrderLine, amount: str) -> None:
        await refunds.refund_order(
            order_id=order.id, amount=D(amount), reason="Return", actor=STAFF,
            idempotency_key=f"ret-{line.id}", lines={line.id: line.quantity},
        )  # fmt: skip

    await asyncio.gather(give_back(a, "24.00"), give_back(b, "20.00"))
    await settle()

    assert await _reversed(order) == {a.id: 24, b.id: 20}
    taken = await PointsEntry.filter(user_id=user.id, kind=EntryKind.REVERSE)
    short = await PointsEntry.filter(user_id=user.id, kind=EntryKind.SHORTFALL)
    assert -sum(e.points for e in taken) - sum(e.points for e in short) == 44
    lots = await PointsLot.filter(order_id=order.id)
    assert all(lot.remaining >= 0 for lot in lots)
    standing = await ledger.balances(user.id)
    assert standing.available == 0
    assert standing.debt == (20 if policy == ShortfallPolicy.NEGATIVE_BALANCE else 0)
