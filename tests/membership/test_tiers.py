"""The tier ladder over a rolling 12 months (or the calendar year): upgrades at once,
downgrades only after the review date plus the grace period, `tier.changed` each move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from models.events import DomainEvent
from models.membership import QualifyingSpend, TierWindow
from services.membership import tiers
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
