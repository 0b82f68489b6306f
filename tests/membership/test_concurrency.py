"""Races only PostgreSQL can show: concurrent checkouts spending the same points, and a
refund reversing them at the same moment. No lot and no balance may go below zero."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from models.membership import PointsLot, ShortfallPolicy
from services.errors import DomainError
from services.membership import (
    Extent,
    PaidLine,
    admin,
    ledger,
    reverse_order,
    spend_for_order,
)
from services.transactions import transaction
from tests.conftest import using_postgres
from tests.factories import create_user
from tests.membership.conftest import earn, order_id

pytestmark = [
    pytest.mark.usefixtures("database"),
    pytest.mark.skipif(
        not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
    ),
]


async def _spend(user_id: int, points: int) -> bool:
    try:
        async with transaction():
            await spend_for_order(
                user_id=user_id, order_id=order_id(), points=points, amount=Decimal("1.00")
            )
    except DomainError as refused:
        assert refused.code == "INSUFFICIENT_POINTS"
        return False
    return True


async def test_20_checkouts_spending_30_of_100_points_let_exactly_3_through(terms) -> None:
    await terms(min_redeem=1)
    user = await create_user()
    for n in range(4):  # four lots, so spends cross lot boundaries
        await admin.adjust(user_id=user.id, points=25, reason="test", key=f"c{user.id}-{n}")

    outcomes = await asyncio.gather(*(_spend(user.id, 30) for _ in range(20)))

    assert outcomes.count(True) == 3
    assert (await ledger.balances(user.id)).available == 10
    assert not await PointsLot.filter(user_id=user.id, remaining__lt=0).exists()


async def test_a_refund_racing_checkouts_never_leaves_a_negative_lot_or_a_hidden_shortfall(
    rule, terms
) -> None:
    await terms(pending_days=0, min_redeem=1, shortfall_policy=ShortfallPolicy.NEGATIVE_BALANCE)
    await rule(points_per_unit=Decimal(1))
    user = await create_user()
    order = order_id()
    await earn(user.id, PaidLine(1, 1, Decimal("100.00")), order=order)

    async def refund() -> bool:
        await reverse_order(user_id=user.id, order_id=order, extent=Extent(full=True), key="race")
        return True

    outcomes = await asyncio.gather(refund(), *(_spend(user.id, 40) for _ in range(6)))

    spent = outcomes[1:].count(True)
    assert spent <= 2
    balances = await ledger.balances(user.id)
    assert balances.available >= 0
    assert not await PointsLot.filter(user_id=user.id, remaining__lt=0).exists()
    # Whatever the order of events, the 100 earned points are gone: taken back or owed.
    assert balances.available - balances.debt == -40 * spent
