"""A refund under REDUCE_REFUND that the payment provider refuses, or has not yet answered:
the points it took back stay taken back while it waits (no checkout spends them), stay so
when it goes through, and are put back exactly (nothing withheld, nothing owed) when it is
refused; a repeated answer changes nothing more."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from models.membership import (
    EntryKind,
    PointsEntry,
    PointsLot,
    PointsWithholding,
    ShortfallPolicy,
    WithholdingStatus,
)
from models.orders import Order, OrderEvent, Refund, RefundStatus
from services.errors import DomainError, DomainErrors
from services.membership import (
    ledger,
    settle_withholding,
    withheld_for_order,
    withhold_for_refund,
)
from services.orders import providers, recovery, refunds
from services.orders.errors import OrderErrorCode
from services.orders.providers import ProviderResult, SandboxProvider
from services.transactions import transaction
from tests.membership._helpers import settle
from tests.membership.test_refund_shortfall import STAFF, _paid_order, _refunded_money, _spend

pytestmark = pytest.mark.usefixtures("app")
D = Decimal


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxProvider]:
    """A fresh `test` provider the test can make refuse or miss refunds."""
    provider = SandboxProvider()
    monkeypatch.setitem(providers._providers, "test", provider)
    yield provider


def _refuse(monkeypatch: pytest.MonkeyPatch, provider: SandboxProvider) -> None:
    async def refuse(*, reference: str, amount: Decimal, idempotency_key: str) -> ProviderResult:
        return ProviderResult(
            False, error_code=OrderErrorCode.CARD_DECLINED, message="Card account closed"
        )

    monkeypatch.setattr(provider, "refund", refuse)


async def _standing(user_id: int, order: Order) -> tuple[object, ...]:
    lot = await PointsLot.get(order_id=order.id)
    return (
        await ledger.balances(user_id),
        (lot.remaining, lot.reversed),
        await withheld_for_order(order.id),
    )


async def test_a_refused_refund_leaves_the_points_as_they_were(
    rule, terms, sandbox: SandboxProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given REDUCE_REFUND and 70 of the order's 100 points spent (30 left on its lot)
    order, user = await _paid_order(rule, terms, ShortfallPolicy.REDUCE_REFUND)
    await _spend(user.id, 70)
    before = await _standing(user.id, order)
    assert before == (ledger.Balances(available=30, pending=0, debt=0), (30, 0), D("0.00"))

    # When the provider refuses the full refund
    with monkeypatch.context() as patched:
        _refuse(patched, sandbox)
        with pytest.raises(DomainErrors) as caught:
            await refunds.refund_order(
                order_id=order.id, amount=D("100.00"), reason="", actor=STAFF, idempotency_key="r1"
            )
    assert [e.code for e in caught.value.errors] == ["CARD_DECLINED"]
    await settle()

    # Then no money moved and the points are as they were: the 30 on the lot spendable
    # again, nothing withheld, nothing owed; the ledger says what happened and its undoing
    assert await _refunded_money(order) == D("0.00")
    assert await _standing(user.id, order) == before
    entries = await PointsEntry.filter(order_id=order.id).order_by("id")
    assert [(e.kind, e.points, e.value) for e in entries] == [
        (EntryKind.EARN, 100, None),
        (EntryKind.REVERSE, -30, None),
        (EntryKind.SHORTFALL, -70, D("0.70")),
        (EntryKind.ADJUST, 30, None),
        (EntryKind.SHORTFALL, 70, D("-0.70")),
    ]
    assert (await PointsWithholding.get(key=f"{order.id}:r1")).status == WithholdingStatus.RELEASED
    assert await OrderEvent.filter(order_id=order.id, kind="points_withholding_released").exists()
    # A second answer to the same refund changes nothing more
    assert await settle_withholding(order_id=order.id, key="r1", succeeded=False) == D("0.00")
    assert await settle_withholding(order_id=order.id, key="r1", succeeded=True) == D("0.00")
    assert await _standing(user.id, order) == before

    # When the refund is asked again and goes through, it withholds as if the first never was
    await refunds.refund_order(
        order_id=order.id, amount=D("100.00"), reason="", actor=STAFF, idempotency_key="r2"
    )
    await settle()
    assert await _refunded_money(order) == D("99.30")
    assert await ledger.balances(user.id) == ledger.Balances(available=0, pending=0, debt=0)
    assert await withheld_for_order(order.id) == D("0.70")
    lot = await PointsLot.get(order_id=order.id)
    assert (lot.remaining, lot.reversed) == (0, 100)
    assert (await PointsWithholding.get(key=f"{order.id}:r2")).status == WithholdingStatus.APPLIED


async def test_undoing_a_withholding_larger_than_its_refund_owes_nothing(rule, terms) -> None:
    # Given points worth 2.00 each and all 100 of the order's points spent: a 10.00 refund
    # withholds 5 of the 10 points due back (all it can) and the other 5 are owed. (Through
    # refund_order such a refund pays nothing and never waits for a provider; the undo is
    # exercised here directly.)
    order, user = await _paid_order(rule, terms, ShortfallPolicy.REDUCE_REFUND)
    await terms(point_values={"EUR": "2.00"})
    await _spend(user.id, 100)
    before = await _standing(user.id, order)
    async with transaction():
        withheld = await withhold_for_refund(
            user_id=user.id, order_id=order.id, order_value=D("100.00"),
            captured=D("100.00"), refunded=D(0), amount=D("10.00"), key="x", currency="EUR",
        )  # fmt: skip
    assert withheld == D("10.00") and (await ledger.balances(user.id)).debt == 5

    # When it is undone, the 5 owed are owed no more and the lot is as it was
    assert await settle_withholding(order_id=order.id, key="x", succeeded=False) == D("10.00")
    held = await PointsWithholding.get(key=f"{order.id}:x")
    assert (held.status, held.shortfall, held.owed) == (WithholdingStatus.RELEASED, 10, 5)
    assert await _standing(user.id, order) == before


async def test_points_stay_withheld_while_the_refund_awaits_an_answer(
    rule, terms, sandbox: SandboxProvider
) -> None:
    order, user = await _paid_order(rule, terms, ShortfallPolicy.REDUCE_REFUND)
    await _spend(user.id, 60)

    # The provider cannot be reached: the refund is pending, and so is its withholding
    sandbox.unreachable = {"refund"}
    with pytest.raises(DomainErrors):
        await refunds.refund_order(
            order_id=order.id, amount=D("100.00"), reason="", actor=STAFF, idempotency_key="p"
        )
    sandbox.unreachable = set()
    assert (await PointsWithholding.get(key=f"{order.id}:p")).status == WithholdingStatus.PENDING
    # The 40 points left on the order's lot cannot be spent meanwhile
    assert await ledger.balances(user.id) == ledger.Balances(available=0, pending=0, debt=0)
    with pytest.raises(DomainError):
        await _spend(user.id, 1)

    # Recovery finishes the refund: the withholding is kept
    refund = await Refund.get(idempotency_key__startswith="p:")
    await recovery.recover_payments(now=refund.created_at + timedelta(hours=1))
    await settle()
    assert (await Refund.get(id=refund.id)).status == RefundStatus.SUCCEEDED
    assert (await PointsWithholding.get(key=f"{order.id}:p")).status == WithholdingStatus.APPLIED
    assert await _refunded_money(order) == D("99.40")
    lot = await PointsLot.get(order_id=order.id)
    assert (lot.remaining, lot.reversed) == (0, 100)
    assert await ledger.balances(user.id) == ledger.Balances(available=0, pending=0, debt=0)
