"""Membership fixtures: earning rules, program terms and a tier ladder, each undone after the
test so that tests do not see each other's rules."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.membership import EarningRule, MembershipProgram, RuleKind, Tier
from services import clock
from services.membership import PaidLine, earn_for_order, rules
from services.membership.earning import Earned

_orders = itertools.count(10_000_000)


def order_id() -> int:
    """An order id no real order has (lots and entries reference orders by id only)."""
    return next(_orders)


async def earn(user_id: int, *lines: PaidLine, order: int | None = None) -> Earned:
    """Points for an order paid now with these lines (a fresh order id unless given)."""
    return await earn_for_order(
        user_id=user_id,
        order_id=order if order is not None else order_id(),
        lines=list(lines),
        currency="EUR",
        paid_at=clock.now(),
    )


@pytest.fixture
async def rule() -> AsyncIterator[Callable[..., Awaitable[EarningRule]]]:
    made: list[EarningRule] = []

    async def make(kind: RuleKind = RuleKind.PURCHASE, **values: Any) -> EarningRule:
        spec = rules.RuleSpec(
            kind=kind,
            name=values.pop("name", f"test {kind.value}"),
            starts_at=values.pop("starts_at", clock.now() - timedelta(seconds=1)),
            **values,
        )
        created = await rules.create_rule(spec)
        made.append(created)
        return created

    yield make
    for created in made:
        await EarningRule.filter(id=created.id).update(is_active=False)


@pytest.fixture
async def terms() -> AsyncIterator[Callable[..., Awaitable[MembershipProgram]]]:
    original = await rules.program()
    saved = {
        name: getattr(original, name)
        for name in (
            "point_values", "min_redeem", "max_share", "pending_days", "expiry_days",
            "expiring_notice_days", "shortfall_policy", "tier_window", "tier_basis",
            "downgrade_grace_days",
        )
    }  # fmt: skip

    async def change(**values: Any) -> MembershipProgram:
        await MembershipProgram.filter(id=1).update(**values)
        return await rules.program()

    yield change
    await MembershipProgram.filter(id=1).update(**saved)


@pytest.fixture
async def ladder() -> AsyncIterator[dict[str, Tier]]:
    """Member (0), Silver (from 200), Gold (from 500) with their perks."""
    await Tier.all().delete()
    tiers = {
        "member": await Tier.create(code="member", name="Member", rank=0, threshold=0),
        "silver": await Tier.create(
            code="silver", name="Silver", rank=1, threshold=Decimal(200),
            discount_percent=Decimal(5), points_multiplier=Decimal("1.5"),
            free_delivery_from=Decimal(20), early_flash_hours=2,
        ),
        "gold": await Tier.create(
            code="gold", name="Gold", rank=2, threshold=Decimal(500),
            discount_percent=Decimal(10), points_multiplier=Decimal(2),
            free_delivery_from=Decimal(0), early_flash_hours=24, aftersales_priority=2,
            birthday_coupon_percent=Decimal(15),
        ),
    }  # fmt: skip
    yield tiers
    await Tier.all().delete()
