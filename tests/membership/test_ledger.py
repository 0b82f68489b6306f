"""The points ledger: lots and their expiry order, pending points, idempotent replays,
partial returns with the rule that earned the points, shortfalls and the liability report."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from models.events import DomainEvent
from models.membership import EntryKind, PointsEntry, PointsLot, RuleKind, ShortfallPolicy
from services import clock
from services.errors import DomainError
from services.membership import (
    Extent,
    PaidLine,
    admin,
    earn_for_order,
    earn_once,
    expiry,
    goods_paid,
    ledger,
    report,
    reverse_order,
    shortfall_preview,
    spend_for_order,
)
from services.transactions import transaction
from tests.factories import create_user
from tests.membership.conftest import earn, order_id

pytestmark = pytest.mark.usefixtures("database")
D = Decimal


async def _spend(user_id: int, points: int) -> int:
    order = order_id()
    async with transaction():
        await spend_for_order(user_id=user_id, order_id=order, points=points, amount=D("1.00"))
    return order


async def _lot(user_id: int, points: int, *, days: int) -> PointsLot:
    """An available lot expiring in `days` (a staff adjustment, then its expiry moved)."""
    await admin.adjust(user_id=user_id, points=points, reason="test", key=f"lot-{order_id()}")
    lot = await PointsLot.filter(user_id=user_id).order_by("-id").first()
    assert lot is not None
    lot.expires_at = clock.now() + timedelta(days=days)
    await lot.save(update_fields=["expires_at"])
    return lot


async def test_spending_takes_the_lot_that_expires_soonest_first(terms) -> None:
    # Given three lots expiring in 90, 10 and 40 days
    user = await create_user()
    late, soon, middle = (
        (await _lot(user.id, 100, days=d) for d in (90, 10, 40)).__aiter__(),
        None,
        None,
    )
    late = await _lot(user.id, 100, days=90)
    soon = await _lot(user.id, 100, days=10)
    middle = await _lot(user.id, 100, days=40)

    # When 150 points are spent
    await _spend(user.id, 150)

    # Then the soonest lot is emptied, the next one half, the latest untouched
    left = {lot.id: lot.remaining for lot in await PointsLot.filter(user_id=user.id)}
    assert left == {soon.id: 0, middle.id: 50, late.id: 100}
    assert (await ledger.balances(user.id)).available == 150


async def test_purchase_points_are_pending_until_the_return_window_passes(rule, terms) -> None:
    # Given a rule of 1 point per unit and a 14-day return window
    await terms(pending_days=14)
    await rule(points_per_unit=D(1))
    user = await create_user()

    # When an order with 80.00 of goods is paid
    earned = await earn(user.id, PaidLine(1, 1, D("80.00")))

    # Then 80 points are pending, none can be spent, and after 14 days all are available
    assert earned.points == 80
    assert await ledger.balances(user.id) == ledger.Balances(available=0, pending=80, debt=0)
    with pytest.raises(DomainError) as refused:
        await _spend(user.id, 10)
    assert refused.value.code == "INSUFFICIENT_POINTS"
    later = await ledger.balances(user.id, at=clock.now() + timedelta(days=15))
    assert (later.available, later.pending) == (80, 0)


async def test_replaying_an_order_or_a_spend_changes_nothing(rule, terms) -> None:
    await terms(pending_days=0)
    await rule(points_per_unit=D(2))
    user = await create_user()
    order = order_id()
    lines = [PaidLine(1, 1, D("10.00"))]

    first = await earn_for_order(
        user_id=user.id, order_id=order, lines=lines, currency="EUR", paid_at=clock.now()
    )
    again = await earn_for_order(
        user_id=user.id, order_id=order, lines=lines, currency="EUR", paid_at=clock.now()
    )
    assert (first.points, again.points, again.replayed) == (20, 0, True)
    spent_order = await _spend(user.id, 5)
    async with transaction():
        await spend_for_order(user_id=user.id, order_id=spent_order, points=5, amount=D("0.05"))
    assert (await ledger.balances(user.id)).available == 15
    assert await PointsEntry.filter(user_id=user.id).count() == 2


async def test_a_partial_return_takes_back_what_those_lines_earned_with_their_rule(
    rule, terms
) -> None:
    # Given an order earning under 2 points per unit: line A 3 x 10.00, line B 1 x 50.00
    await terms(pending_days=0)
    old = await rule(points_per_unit=D(2))
    user = await create_user()
    order = order_id()
    await earn(user.id, PaidLine(101, 3, D("30.00")), PaidLine(102, 1, D("50.00")), order=order)
    # And then the rule changes to 10 points per unit
    await rule(points_per_unit=D(10))

    # When 2 of line A's 3 units come back
    result = await reverse_order(
        user_id=user.id, order_id=order, extent=Extent(returned={101: 2}), key="ret-1"
    )

    # Then exactly 2/3 of line A's 60 points are taken back, with the old rule; B keeps its 100
    assert (result.reversed, result.shortfall) == (40, 0)
    lots = {lot.order_line_id: lot for lot in await PointsLot.filter(order_id=order)}
    assert (lots[101].remaining, lots[102].remaining) == (20, 100)
    assert lots[101].rule_id == old.id
    # And replaying the same return (or an earlier one) takes nothing more
    again = await reverse_order(
        user_id=user.id, order_id=order, extent=Extent(returned={101: 2}), key="ret-2"
    )
    assert again.reversed == 0
    assert (await ledger.balances(user.id)).available == 120


async def test_refund_after_spending_records_the_shortfall_as_debt(rule, terms) -> None:
    # Given 100 earned points of which 70 were spent
    await terms(pending_days=0, shortfall_policy=ShortfallPolicy.NEGATIVE_BALANCE, min_redeem=1)
    await rule(points_per_unit=D(1))
    user = await create_user()
    order = order_id()
    await earn(user.id, PaidLine(1, 1, D("100.00")), order=order)
    await _spend(user.id, 70)

    # When the earning order is refunded in full
    result = await reverse_order(user_id=user.id, order_id=order, extent=Extent(full=True), key="r")

    # Then 30 are taken back, 70 are owed (not hidden), and the next earnings repay them first
    assert (result.reversed, result.shortfall) == (30, 70)
    assert (await ledger.balances(user.id)).debt == 70
    shortfall = await PointsEntry.get(user_id=user.id, kind=EntryKind.SHORTFALL)
    assert shortfall.points == -70
    await earn(user.id, PaidLine(2, 1, D("100.00")))
    after = await ledger.balances(user.id)
    assert (after.available, after.debt) == (30, 0)


async def test_under_reduce_refund_a_reversal_after_the_money_went_is_owed_not_hidden(
    rule, terms
) -> None:
    # Given REDUCE_REFUND, and an order's 100 earned points all spent
    await terms(pending_days=0, shortfall_policy=ShortfallPolicy.REDUCE_REFUND, min_redeem=1)
    await rule(points_per_unit=D(1))
    user = await create_user()
    order = order_id()
    await earn(user.id, PaidLine(1, 1, D("100.00")), order=order)
    await _spend(user.id, 100)
    # Before refunding, a preview says what a refund would withhold
    preview = await shortfall_preview(
        user_id=user.id, order_id=order, extent=Extent(full=True), currency="EUR"
    )
    assert preview == (100, D("1.00"))
    # When the points are reversed by something other than the refund itself (the money is
    # gone, nothing can be withheld any more)
    await reverse_order(user_id=user.id, order_id=order, extent=Extent(full=True), key="r")
    # Then the shortfall is recorded as owed points, with no money value withheld
    shortfall = await PointsEntry.get(user_id=user.id, kind=EntryKind.SHORTFALL)
    assert (shortfall.points, shortfall.value) == (-100, None)
    assert await ledger.balances(user.id) == ledger.Balances(available=0, pending=0, debt=100)


async def test_a_refund_returns_spent_points_to_the_lots_they_came_from(terms) -> None:
    await terms(min_redeem=1)
    user = await create_user()
    soon = await _lot(user.id, 50, days=5)
    late = await _lot(user.id, 50, days=50)
    order = await _spend(user.id, 80)

    # Half the order refunded: 40 of the 80 come back, each lot getting at most what was
    # taken from it, the latest-expiring lot first (30 taken from it, then 10 of the 50)
    await reverse_order(user_id=user.id, order_id=order, extent=Extent(share=D("0.5")), key="a")
    left = {lot.id: lot.remaining for lot in await PointsLot.filter(user_id=user.id)}
    assert left == {soon.id: 10, late.id: 50}
    # The rest refunded: every spent point is back where it was
    await reverse_order(user_id=user.id, order_id=order, extent=Extent(full=True), key="b")
    left = {lot.id: lot.remaining for lot in await PointsLot.filter(user_id=user.id)}
    assert left == {soon.id: 50, late.id: 50}


async def test_expiry_announces_ahead_then_expires_what_is_left(terms) -> None:
    await terms(expiring_notice_days=30)
    user = await create_user()
    lot = await _lot(user.id, 60, days=20)
    await _lot(user.id, 40, days=200)

    # (the server's hourly pass may announce it first: either way, once)
    await expiry.notify_expiring()
    event = await DomainEvent.filter(type="points.expiring", aggregate_id=str(user.id)).first()
    assert event is not None and event.payload["points"] == 60
    # A second pass announces nothing again
    await expiry.notify_expiring()
    assert await DomainEvent.filter(type="points.expiring", aggregate_id=str(user.id)).count() == 1

    await expiry.expire_due(at=clock.now() + timedelta(days=21))
    await lot.refresh_from_db()
    assert (lot.remaining, lot.expired) == (0, 60)
    assert (await ledger.balances(user.id, at=clock.now() + timedelta(days=21))).available == 40
    assert await DomainEvent.filter(type="points.expired", aggregate_id=str(user.id)).count() == 1


async def test_occasion_rules_earn_once_per_occasion(rule) -> None:
    await rule(RuleKind.SIGNUP, points=250)
    user = await create_user()
    assert (
        await earn_once(
            user_id=user.id, kind=RuleKind.SIGNUP, reference=f"user:{user.id}", reason="Welcome"
        )
    ).points == 250
    assert (
        await earn_once(
            user_id=user.id, kind=RuleKind.SIGNUP, reference=f"user:{user.id}", reason="Welcome"
        )
    ).replayed


def test_goods_paid_leaves_out_what_points_paid_to_the_cent() -> None:
    assert goods_paid([D("30.00"), D("10.00")], D("10.00")) == [D("22.50"), D("7.50")]
    assert sum(goods_paid([D("10.00")] * 3, D("10.00"))) == D("20.00")
    assert goods_paid([D("5.00")], D("9.00")) == [D("0.00")]


async def test_staff_adjustments_need_a_reason_and_never_go_below_zero() -> None:
    user = await create_user()
    with pytest.raises(DomainError) as missing:
        await admin.adjust(user_id=user.id, points=10, reason=" ", key="k1")
    assert missing.value.code == "REASON_REQUIRED"
    await admin.adjust(user_id=user.id, points=10, reason="goodwill", key=f"k-{user.id}")
    with pytest.raises(DomainError) as short:
        await admin.adjust(user_id=user.id, points=-11, reason="correction", key=f"k2-{user.id}")
    assert short.value.code == "INSUFFICIENT_POINTS"


async def test_the_liability_report_counts_outstanding_pending_and_expiry_months(
    rule, terms
) -> None:
    before = await report.liability()
    await terms(pending_days=14)
    await rule(points_per_unit=D(1))
    user = await create_user()
    await earn(user.id, PaidLine(1, 1, D("25.00")))
    await _lot(user.id, 75, days=40)
    after = await report.liability()
    assert after.outstanding - before.outstanding == 100
    assert after.pending - before.pending == 25
    assert after.value - before.value == D("1.00")
    month = f"{clock.now() + timedelta(days=40):%Y-%m}"
    assert dict((m.month, m.points) for m in after.expiring)[month] >= 75
