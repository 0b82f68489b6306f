"""The tier ladder over a rolling 12 months (or the calendar year), measured on spend or on
points: upgrades at once, downgrades only after the review date plus the grace period,
`tier.changed` each move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.events import DomainEvent
from models.membership import (
    MemberAccount,
    QualifyingSpend,
    RuleKind,
    Tier,
    TierBasis,
    TierWindow,
)
from services import clock
from services.membership import (
    Extent,
    PaidLine,
    admin,
    earn_for_order,
    earn_once,
    reverse_order,
    tiers,
)
from services.membership.tiers import YEAR
from tests.factories import create_user
from tests.membership.conftest import order_id

pytestmark = pytest.mark.usefixtures("database")
START = datetime(2025, 3, 1, tzinfo=UTC)


async def _spent(user_id: int, amount: str, at: datetime) -> None:
    await QualifyingSpend.create(
        user_id=user_id, amount=Decimal(amount), key=f"t:{order_id()}", occurred_at=at
    )


async def test_upgrade_at_once_downgrade_only_after_review_and_grace(ladder, terms) -> None:
    await terms(tier_window=TierWindow.ROLLING_12_MONTHS, downgrade_grace_days=30)
    user = await create_user()

    # 250 spent: Silver at once
    await _spent(user.id, "250.00", START)
    assert (await tiers.evaluate(user_id=user.id, at=START)).code == "silver"
    # 300 more a month later: Gold at once, reviewed a year after
    await _spent(user.id, "300.00", START + timedelta(days=30))
    gold_at = START + timedelta(days=30)
    assert (await tiers.evaluate(user_id=user.id, at=gold_at)).code == "gold"

    # 220 more half a year later (not enough for Gold on their own)
    await _spent(user.id, "220.00", gold_at + timedelta(days=200))
    # A year after Gold, the first two spends fell out of the window (220 left: Silver), but
    # the review date has only just passed: still Gold during the grace period
    review = gold_at + timedelta(days=365)
    assert (await tiers.evaluate(user_id=user.id, at=review + timedelta(days=1))).code == "gold"
    # After the grace period: down to what the window holds now
    after_grace = review + timedelta(days=31)
    assert (await tiers.evaluate(user_id=user.id, at=after_grace)).code == "silver"

    moves = [
        (e.payload["from"], e.payload["to"], e.payload["direction"])
        for e in await DomainEvent.filter(type="tier.changed", aggregate_id=str(user.id)).order_by(
            "sequence"
        )
    ]
    assert moves == [
        (None, "silver", "up"),
        ("silver", "gold", "up"),
        ("gold", "silver", "down"),
    ]


async def test_calendar_year_window_counts_only_this_year(ladder, terms) -> None:
    await terms(tier_window=TierWindow.CALENDAR_YEAR)
    user = await create_user()
    await _spent(user.id, "600.00", datetime(2024, 12, 20, tzinfo=UTC))
    await _spent(user.id, "250.00", datetime(2025, 1, 5, tzinfo=UTC))
    tier = await tiers.evaluate(user_id=user.id, at=datetime(2025, 1, 6, tzinfo=UTC))
    assert tier is not None and tier.code == "silver"
    progress = await tiers.progress(user_id=user.id, at=datetime(2025, 1, 6, tzinfo=UTC))
    assert progress.next_tier is not None and progress.next_tier.code == "gold"
    assert progress.needed == Decimal("250.00")


async def _points_ladder(ladder: dict[str, Tier], terms: Any, **values: Any) -> None:
    """The same ladder measured on points: Silver from 300 points, Gold from 800."""
    await terms(tier_basis=TierBasis.POINTS, **values)
    await Tier.filter(id=ladder["silver"].id).update(threshold_points=300)
    await Tier.filter(id=ladder["gold"].id).update(threshold_points=800)


async def _paid(user_id: int, amount: str, at: datetime) -> int:
    """An order of one line paid at `at` (its points and its qualifying spend)."""
    order = order_id()
    await earn_for_order(
        user_id=user_id,
        order_id=order,
        lines=[PaidLine(order * 10, 1, Decimal(amount))],
        currency="EUR",
        paid_at=at,
    )
    return order


async def test_a_points_ladder_upgrades_on_points_and_downgrades_after_review_and_grace(
    ladder, terms, rule
) -> None:
    await _points_ladder(
        ladder, terms, tier_window=TierWindow.ROLLING_12_MONTHS, downgrade_grace_days=30
    )
    await rule(points_per_unit=Decimal(2), starts_at=START - timedelta(days=1))
    user = await create_user()

    # 160 paid earns 320 points: Silver on points, though 160 of spend would reach no tier
    await _paid(user.id, "160.00", START)
    assert (await tiers.evaluate(user_id=user.id, at=START)).code == "silver"
    # Staff goodwill does not count towards a tier (400 points, still Silver)
    await admin.adjust(user_id=user.id, points=400, reason="goodwill", key=f"g{user.id}")
    assert (await tiers.evaluate(user_id=user.id, at=START)).code == "silver"
    progress = await tiers.progress(user_id=user.id, at=START)
    assert (progress.basis, progress.qualifying_points) == (TierBasis.POINTS, 320)
    assert progress.next_tier is not None and progress.needed == Decimal(480)

    # 250 more paid a month on (Silver earns x1.5: 750 points): Gold at once
    gold_at = START + timedelta(days=30)
    await _paid(user.id, "250.00", gold_at)
    assert await tiers.qualifying_points(user.id, since=START - YEAR, at=gold_at) == 1070
    assert (await tiers.evaluate(user_id=user.id, at=gold_at)).code == "gold"

    # 100 more half a year on (Gold earns x2: 400 points)
    await _paid(user.id, "100.00", gold_at + timedelta(days=200))
    # A year after Gold, only those 400 points are in the window (enough for Silver): Gold
    # still during the grace period (the daily job sees it too); Silver after it
    review = gold_at + timedelta(days=365)
    assert (await tiers.evaluate(user_id=user.id, at=review - timedelta(days=1))).code == "gold"
    await tiers.review_all(at=review + timedelta(days=1))
    assert (await MemberAccount.get(user_id=user.id)).tier_id == ladder["gold"].id
    await tiers.review_all(at=review + timedelta(days=31))
    assert (await MemberAccount.get(user_id=user.id)).tier_id == ladder["silver"].id
    moved = await DomainEvent.filter(type="tier.changed", aggregate_id=str(user.id)).order_by(
        "sequence"
    )
    assert [(e.payload["to"], e.payload["basis"]) for e in moved] == [
        ("silver", "points"),
        ("gold", "points"),
        ("silver", "points"),
    ]
    assert moved[-1].payload["qualifyingPoints"] == 400


async def test_a_refund_takes_its_points_off_the_points_ladder(ladder, terms, rule) -> None:
    await _points_ladder(ladder, terms, downgrade_grace_days=0)
    await rule(points_per_unit=Decimal(1), starts_at=clock.now() - timedelta(days=1))
    user = await create_user()
    order = await _paid(user.id, "400.00", clock.now())
    assert (await tiers.evaluate(user_id=user.id)).code == "silver"

    # Half the line returned: 200 of its 400 points taken back, below Silver's 300
    await reverse_order(
        user_id=user.id, order_id=order, extent=Extent(share=Decimal("0.5")), key="half"
    )
    progress = await tiers.progress(user_id=user.id)
    assert progress.qualifying_points == 200 and progress.qualifying_spend == Decimal(200)
    # Spend would still say Silver on a spend ladder (200 >= 200): the basis decides
    assert tiers.reached(await tiers.ladder(), Decimal(200)) == ladder["silver"]
    assert tiers.reached(await tiers.ladder(), Decimal(200), TierBasis.POINTS) == ladder["member"]


async def test_points_for_an_occasion_upgrade_a_points_ladder_at_once(ladder, terms, rule) -> None:
    await _points_ladder(ladder, terms)
    await rule(RuleKind.FIRST_REVIEW, points=350)
    user = await create_user()
    await earn_once(user_id=user.id, kind=RuleKind.FIRST_REVIEW, reference="review:1", reason="x")
    assert (await MemberAccount.get(user_id=user.id)).tier_id == ladder["silver"].id


async def test_on_a_spend_ladder_points_do_not_lift_a_tier(ladder, terms, rule) -> None:
    await terms(tier_basis=TierBasis.SPEND)
    await Tier.filter(id=ladder["silver"].id).update(threshold_points=1)
    await rule(points_per_unit=Decimal(10))
    user = await create_user()
    await _paid(user.id, "150.00", clock.now())  # 1,500 points, 150 of spend
    tier = await tiers.evaluate(user_id=user.id)
    assert tier is not None and tier.code == "member"
