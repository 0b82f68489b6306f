"""The tier ladder: a member's tier follows qualifying spend over the program's window
(rolling 12 months or the calendar year). Upgrades apply at once; a downgrade only once the
review date plus the grace period has passed. Re-evaluated on paid and refunded orders and
by the daily job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tortoise.functions import Sum

from models.membership import MemberAccount, MembershipProgram, QualifyingSpend, Tier, TierWindow
from services import clock
from services.events import outbox
from services.events.ids import global_id
from services.events.types import EventTypeName
from services.membership import ledger, rules
from services.transactions import transaction

YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Progress:
    tier: Tier | None
    next_tier: Tier | None
    qualifying_spend: Decimal
    needed: Decimal | None
    review_at: datetime | None
    window_start: datetime


def window_start(terms: MembershipProgram, at: datetime) -> datetime:
    if terms.tier_window == TierWindow.CALENDAR_YEAR:
        return datetime(at.year, 1, 1, tzinfo=UTC)
    return at - YEAR


def next_review(terms: MembershipProgram, at: datetime) -> datetime:
    if terms.tier_window == TierWindow.CALENDAR_YEAR:
        return datetime(at.year + 1, 1, 1, tzinfo=UTC)
    return at + YEAR


async def qualifying_spend(user_id: int, *, since: datetime, at: datetime) -> Decimal:
    rows = (
        await QualifyingSpend.filter(user_id=user_id, occurred_at__gt=since, occurred_at__lte=at)
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Decimal(rows[0]["total"] or 0) if rows else Decimal(0)


async def ladder() -> list[Tier]:
    """The active tiers, lowest first."""
    return list(await Tier.filter(is_active=True).order_by("rank"))


def reached(tiers: list[Tier], spend: Decimal) -> Tier | None:
    found = None
    for tier in tiers:
        if spend >= Decimal(tier.threshold):
            found = tier
    return found


async def evaluate(*, user_id: int, at: datetime | None = None) -> Tier | None:
    """Re-evaluate one member's tier now; writes `tier.changed` when it moves."""
    at = at or clock.now()
    async with transaction(), ledger.changing(user_id) as account:
        terms = await rules.program()
        tiers = await ladder()
        spend = await qualifying_spend(user_id, since=window_start(terms, at), at=at)
        target = reached(tiers, spend)
        current = next((t for t in tiers if t.id == account.tier_id), None)
        rank = current.rank if current else -1
        target_rank = target.rank if target else -1
        if target_rank > rank:
            await _move(account, current, target, terms, at, spend)
        elif target_rank < rank:
            grace = timedelta(days=terms.downgrade_grace_days)
            if account.tier_review_at is None:
                account.tier_review_at = next_review(terms, at)
                await account.save(update_fields=["tier_review_at", "updated_at"])
            elif at >= account.tier_review_at + grace:
                await _move(account, current, target, terms, at, spend)
        elif account.tier_review_at is not None and at >= account.tier_review_at:
            account.tier_review_at = next_review(terms, at)  # kept the tier: next review
            await account.save(update_fields=["tier_review_at", "updated_at"])
        return next((t for t in tiers if t.id == account.tier_id), None)


async def _move(
    account: MemberAccount,
    current: Tier | None,
    target: Tier | None,
    terms: MembershipProgram,
    at: datetime,
    spend: Decimal,
) -> None:
    account.tier_id = target.id if target else None
    account.tier_since = at
    account.tier_review_at = next_review(terms, at) if target else None
    await account.save(update_fields=["tier_id", "tier_since", "tier_review_at", "updated_at"])
    up = (target.rank if target else -1) > (current.rank if current else -1)
    await outbox.emit(
        EventTypeName.TIER_CHANGED,
        aggregate_id=account.user_id,
        payload={
            "customerId": global_id("User", account.user_id),
            "from": current.code if current else None,
            "to": target.code if target else None,
            "direction": "up" if up else "down",
            "qualifyingSpend": spend,
            "reviewAt": account.tier_review_at,
        },
    )


async def review_all(*, at: datetime | None = None) -> int:
    """The daily review: every member with a tier or recent spend; returns how many moved."""
    at = at or clock.now()
    terms = await rules.program()
    tiered = await MemberAccount.filter(tier_id__isnull=False).values_list("user_id", flat=True)
    spending = (
        await QualifyingSpend.filter(occurred_at__gt=window_start(terms, at) - YEAR)
        .distinct()
        .values_list("user_id", flat=True)
    )
    moved = 0
    for user_id in sorted({int(u) for u in [*tiered, *spending]}):
        before = await MemberAccount.filter(user_id=user_id).values_list("tier_id", flat=True)
        after = await evaluate(user_id=user_id, at=at)
        if (before[0] if before else None) != (after.id if after else None):
            moved += 1
    return moved


async def progress(*, user_id: int, at: datetime | None = None) -> Progress:
    """Where the member stands: tier, the next one and how much spend it still needs."""
    at = at or clock.now()
    terms = await rules.program()
    tiers = await ladder()
    account = await MemberAccount.get_or_none(user_id=user_id)
    start = window_start(terms, at)
    spend = await qualifying_spend(user_id, since=start, at=at)
    current = next((t for t in tiers if account and t.id == account.tier_id), None)
    higher = [t for t in tiers if t.rank > (current.rank if current else -1)]
    upcoming = higher[0] if higher else None
    needed = max(Decimal(upcoming.threshold) - spend, Decimal(0)) if upcoming else None
    return Progress(
        tier=current,
        next_tier=upcoming,
        qualifying_spend=spend,
        needed=needed,
        review_at=account.tier_review_at if account else None,
        window_start=start,
    )
