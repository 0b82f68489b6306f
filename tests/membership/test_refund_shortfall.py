"""Refunds meeting points already spent: under REDUCE_REFUND the refund pays less by the
points' value (recorded as a shortfall with that value), under NEGATIVE_BALANCE the refund
is whole and the member owes the points; replays withhold once."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from models.membership import EntryKind, PointsEntry, PointsLot, ShortfallPolicy
from models.orders import DeliveryMethod, Order, OrderEvent, Payment
from services.errors import DomainError
from services.membership import PaidLine, ledger, spend_for_order, withhold_for_refund
from services.orders import refunds
from services.orders.lifecycle import Actor
from services.transactions import transaction
from tests.conftest import using_postgres
from tests.factories import create_user, create_variant
from tests.membership._helpers import settle
from tests.membership.conftest import earn, order_id
from tests.orders._helpers import place, ready_cart

pytestmark = pytest.mark.usefixtures("app")
D = Decimal
STAFF = Actor("staff", None)


async def _spend(user_id: int, points: int) -> None:
    """Spend on another order (its own checkout), as the customer would after earning."""
    async with transaction():
        await spend_for_order(user_id=user_id, order_id=order_id(), points=points, amount=D(1))


async def _paid_order(rule, terms, policy: ShortfallPolicy):  # type: ignore[no-untyped-def]
    """A customer's paid order of 100.00 goods (no shipping) that earned 100 points, now
    available (no pending days): the order and the customer."""
    await terms(pending_days=0, min_redeem=1, shortfall_policy=policy)
    await rule(points_per_unit=D(1))
    user = await create_user()
    cart = await ready_cart(
        (await create_variant(price="50.00", stock=5), 2),
        user=user,
        method=DeliveryMethod.STORE_PICKUP,
    )
    order = (await place(cart, user=user)).order
    await settle()
    assert (await ledger.balances(user.id)).available == 100
    return order, user


async def _refunded_money(order: Order) -> Decimal:
    rows = await Payment.filter(order_id=order.id).values_list("refunded_amount", flat=True)
    return sum((D(r) for r in rows), D(0))


async def test_reduce_refund_pays_less_by_the_value_of_the_spent_points(rule, terms) -> None:
    # Given REDUCE_REFUND (1 point = 0.01) and 80 of the order's 100 points spent
    order, user = await _paid_order(rule, terms, ShortfallPolicy.REDUCE_REFUND)
    await _spend(user.id, 80)

    # When half the order is refunded: 50 points are due back, 20 are left to take
    await refunds.refund_order(order_id=order.id, amount=D("50.00"), reason="", actor=STAFF)
    await settle()

    # Then the 30 points already spent are withheld from the money: 49.70 goes back
    assert await _refunded_money(order) == D("49.70")
    shortfall = await PointsEntry.get(user_id=user.id, kind=EntryKind.SHORTFALL)
    assert (shortfall.points, shortfall.value) == (-30, D("0.30"))
    assert await ledger.balances(user.id) == ledger.Balances(available=0, pending=0, debt=0)
    note = await OrderEvent.get(order_id=order.id, kind="points_withheld")
    assert note.data["withheld"] == "0.30"

    # When the rest is refunded: the other 50 points were all spent, 0.50 is withheld
    await refunds.refund_order(order_id=order.id, amount=D("50.00"), reason="", actor=STAFF)
    await settle()
    assert await _refunded_money(order) == D("99.20")
    lot = await PointsLot.get(order_id=order.id)
    assert (lot.reversed, lot.remaining) == (100, 0)
    values = await PointsEntry.filter(user_id=user.id, kind=EntryKind.SHORTFALL).values_list(
        "value", flat=True
    )
    assert sorted(D(v) for v in values) == [D("0.30"), D("0.50")]
    # And the `order.refunded` consumer, having run, reversed nothing more and owes nothing
    assert await ledger.balances(user.id) == ledger.Balances(available=0, pending=0, debt=0)
    assert await PointsEntry.filter(user_id=user.id, kind=EntryKind.REVERSE).count() == 1


async def test_negative_balance_refunds_in_full_and_the_member_owes_the_points(rule, terms) -> None:
    order, user = await _paid_order(rule, terms, ShortfallPolicy.NEGATIVE_BALANCE)
    await _spend(user.id, 80)

    await refunds.refund_order(order_id=order.id, amount=D("100.00"), reason="", actor=STAFF)
    await settle()

    assert await _refunded_money(order) == D("100.00")
    assert await ledger.balances(user.id) == ledger.Balances(available=0, pending=0, debt=80)
    shortfall = await PointsEntry.get(user_id=user.id, kind=EntryKind.SHORTFALL)
    assert (shortfall.points, shortfall.value) == (-80, None)
    assert not await OrderEvent.filter(order_id=order.id, kind="points_withheld").exists()


async def test_a_replayed_refund_withholds_once(rule, terms) -> None:
    order, user = await _paid_order(rule, terms, ShortfallPolicy.REDUCE_REFUND)
    await _spend(user.id, 100)

    for _ in range(2):
        await refunds.refund_order(
            order_id=order.id, amount=D("40.00"), reason="", actor=STAFF, idempotency_key="r1"
        )
    await settle()

    assert await _refunded_money(order) == D("39.60")
    assert await PointsEntry.filter(user_id=user.id, kind=EntryKind.SHORTFALL).count() == 1
    assert (await PointsLot.get(order_id=order.id)).reversed == 40


async def test_a_withholding_larger_than_the_refund_keeps_the_refund_and_owes_the_rest(
    rule, terms
) -> None:
    # Given points worth 2.00 each: 10 spent points are worth more than a 10.00 refund
    await terms(
        pending_days=0,
        min_redeem=1,
        shortfall_policy=ShortfallPolicy.REDUCE_REFUND,
        point_values={"EUR": "2.00"},
    )
    await rule(points_per_unit=D(1))
    user = await create_user()
    order = order_id()
    await earn(user.id, PaidLine(1, 1, D("100.00")), order=order)
    await _spend(user.id, 100)

    # When 10.00 of the 100.00 order is refunded (10 points due back, all spent)
    async with transaction():
        withheld = await withhold_for_refund(
            user_id=user.id,
            order_id=order,
            order_value=D("100.00"),
            captured=D("100.00"),
            refunded=D(0),
            amount=D("10.00"),
            key="k",
            currency="EUR",
        )

    # Then the whole 10.00 is withheld (5 points' worth) and the other 5 points are owed
    assert withheld == D("10.00")
    shortfall = await PointsEntry.get(user_id=user.id, kind=EntryKind.SHORTFALL)
    assert (shortfall.points, shortfall.value) == (-10, D("10.00"))
    assert (await ledger.balances(user.id)).debt == 5


async def test_cancelling_a_paid_order_under_reduce_refund_withholds_the_spent_points(
    rule, terms
) -> None:
    order, user = await _paid_order(rule, terms, ShortfallPolicy.REDUCE_REFUND)
    await _spend(user.id, 60)

    await refunds.cancel_order(order_id=order.id, actor=STAFF, reason="changed my mind")
    await settle()

    assert await _refunded_money(order) == D("99.40")
    assert await ledger.balances(user.id) == ledger.Balances(available=0, pending=0, debt=0)
    lot = await PointsLot.get(order_id=order.id)
    assert (lot.reversed, lot.remaining) == (100, 0)


@pytest.mark.skipif(
    not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
)
async def test_a_refund_racing_checkouts_withholds_exactly_what_they_spent(rule, terms) -> None:
    # Given REDUCE_REFUND and an order whose 100 earned points are all the customer has
    order, user = await _paid_order(rule, terms, ShortfallPolicy.REDUCE_REFUND)

    async def checkout() -> bool:
        try:
            await _spend(user.id, 40)
        except DomainError as refused:
            assert refused.code == "INSUFFICIENT_POINTS"
            return False
        return True

    async def refund() -> bool:
        await refunds.refund_order(order_id=order.id, amount=D("100.00"), reason="", actor=STAFF)
        return True

    # When the full refund races six checkouts spending 40 points each
    outcomes = await asyncio.gather(refund(), *(checkout() for _ in range(6)))
    await settle()

    # Then whatever won, every spent point of the order is withheld in money, none is owed,
    # none is reversed twice, and no lot is below zero
    spent = outcomes[1:].count(True)
    assert spent <= 2
    assert await _refunded_money(order) == D("100.00") - D("0.40") * spent
    assert await ledger.balances(user.id) == ledger.Balances(available=0, pending=0, debt=0)
    lot = await PointsLot.get(order_id=order.id)
    assert (lot.reversed, lot.remaining) == (100, 0)
    assert not await PointsLot.filter(user_id=user.id, remaining__lt=0).exists()
