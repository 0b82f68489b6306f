"""Per-request DataLoaders for membership: accounts, standings (balances and expiring lots)
and qualifying spend and points by user, tiers and ledger entries by id."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from strawberry.dataloader import DataLoader
from tortoise.functions import Sum

from models.membership import (
    BirthdayReward,
    MemberAccount,
    MembershipProgram,
    PointsEntry,
    PointsLot,
    QualifyingSpend,
    Tier,
)
from resolvers.loaders import ByIdLoader
from services import clock
from services.membership import rules, tiers

EXPIRING_SHOWN = 5


@dataclass
class Standing:
    """One member's balances and soonest-expiring lots, read with everyone else's at once."""

    available: int = 0
    pending: int = 0
    expiring: list[tuple[int, datetime]] = field(default_factory=list)


class MembershipLoaders:
    """Per-request loaders: account, standing, qualifying spend and points by user, tiers."""

    def __init__(self) -> None:
        self.now = clock.now()
        self.account_by_user_id = DataLoader(load_fn=self._accounts)
        self.standing_by_user_id = DataLoader(load_fn=self._standings)
        self.spend_by_user_id = DataLoader(load_fn=self._spend)
        self.points_by_user_id = DataLoader(load_fn=self._points)
        self.birthday_rewards_by_user_id = DataLoader(load_fn=self._birthday_rewards)
        self.tier_by_id = ByIdLoader(Tier)
        self.entry_by_id = ByIdLoader(PointsEntry)
        self._ladder: list[Tier] | None = None
        self._terms: MembershipProgram | None = None

    async def ladder(self) -> list[Tier]:
        """The active tiers, lowest first, read once per request."""
        if self._ladder is None:
            self._ladder = await tiers.ladder()
        return self._ladder

    async def terms(self) -> MembershipProgram:
        if self._terms is None:
            self._terms = await rules.program()
        return self._terms

    async def _accounts(self, keys: Sequence[int]) -> list[MemberAccount | None]:
        rows = {a.user_id: a for a in await MemberAccount.filter(user_id__in=list(set(keys)))}
        return [rows.get(key) for key in keys]

    async def _standings(self, keys: Sequence[int]) -> list[Standing]:
        rows = await (
            PointsLot.filter(user_id__in=list(set(keys)), remaining__gt=0, expires_at__gt=self.now)
            .order_by("expires_at", "id")
            .values("user_id", "remaining", "available_at", "expires_at")
        )
        found: dict[int, Standing] = defaultdict(Standing)
        for row in rows:
            standing = found[row["user_id"]]
            if row["available_at"] <= self.now:
                standing.available += row["remaining"]
                if len(standing.expiring) < EXPIRING_SHOWN:
                    standing.expiring.append((row["remaining"], row["expires_at"]))
            else:
                standing.pending += row["remaining"]
        return [found.get(key, Standing()) for key in keys]

    async def _spend(self, keys: Sequence[int]) -> list[Decimal]:
        start = tiers.window_start(await self.terms(), self.now)
        rows = await (
            QualifyingSpend.filter(user_id__in=list(set(keys)), occurred_at__gt=start)
            .group_by("user_id")
            .annotate(total=Sum("amount"))
            .values("user_id", "total")
        )
        totals = {row["user_id"]: Decimal(row["total"] or 0) for row in rows}
        return [totals.get(key, Decimal(0)) for key in keys]

    async def _points(self, keys: Sequence[int]) -> list[int]:
        start = tiers.window_start(await self.terms(), self.now)
        rows = await (
            PointsLot.filter(
                user_id__in=list(set(keys)),
                rule_id__isnull=False,
                earned_at__gt=start,
                earned_at__lte=self.now,
            )
            .group_by("user_id")
            .annotate(earned=Sum("points"), taken=Sum("reversed"))
            .values("user_id", "earned", "taken")
        )
        totals = {row["user_id"]: int(row["earned"] or 0) - int(row["taken"] or 0) for row in rows}
        return [totals.get(key, 0) for key in keys]

    async def _birthday_rewards(self, keys: Sequence[int]) -> list[list[BirthdayReward]]:
        """Each member's birthday rewards of the last 13 months, newest first."""
        since = self.now - timedelta(days=400)
        found: dict[int, list[BirthdayReward]] = defaultdict(list)
        for row in await BirthdayReward.filter(
            user_id__in=list(set(keys)), created_at__gte=since
        ).order_by("-created_at", "-id"):
            found[row.user_id].append(row)
        return [found.get(key, []) for key in keys]
