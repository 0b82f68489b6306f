"""The tier ladder: a member's tier follows qualifying spend or qualifying points (the
program's `tier_basis`, one for the whole ladder) over the program's window (rolling 12
months or the calendar year). Upgrades apply at once; a downgrade only once the review date
plus the grace period has passed. Re-evaluated on paid and refunded orders, on points earned
for other occasions (points basis) and by the daily job.

Qualifying points are the points earning rules gave in the window (as earned, with the tier
multiplier), less what reversals took back of them; staff adjustments and expiry do not
change them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tortoise.functions import Sum

from models.membership import (
    MemberAccount,
    MembershipProgram,
    PointsLot,
    QualifyingSpend,
    Tier,
    TierBasis,
    TierWindow,
)
from services import clock
from services.errors import DomainError
from services.events import outbox
from services.events.ids import global_id
from services.events.types import EventTypeName
from services.membership import ledger, rules
from services.membership.errors import MembershipErrorCode, error
from services.transactions import transaction

C = MembershipErrorCode
YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Progress:
    tier: Tier | None
    next_tier: Tier | None
    basis: TierBasis
    qualifying_spend: Decimal
    qualifying_points: int
    # What the next tier still needs, on the ladder's basis (money or points).
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


async def qualifying_points(user_id: int, *, since: datetime, at: datetime) -> int:
    rows = (
        await PointsLot.filter(
            user_id=user_id, rule_id__isnull=False, earned_at__gt=since, earned_at__lte=at
        )
        .annotate(earned=Sum("points"), taken=Sum("reversed"))
        .values("earned", "taken")
    )
    return int(rows[0]["earned"] or 0) - int(rows[0]["taken"] or 0) if rows else 0


def threshold_of(tier: Tier, basis: TierBasis) -> Decimal:
    """The tier's entry threshold on the ladder's basis."""
    return Decimal(tier.threshold_points if basis == TierBasis.POINTS else tier.threshold)


async def ladder() -> list[Tier]:
    """The active tiers, lowest first."""
    return list(await Tier.filter(is_active=True).order_by("rank"))


def reached(tiers: list[Tier], measure: Decimal, basis: TierBasis = TierBasis.SPEND) -> Tier | None:
    found = None
    for tier in tiers:
        if measure >= threshold_of(tier, basis):
            found = tier
    return found


async def _measures(
    terms: MembershipProgram, user_id: int, at: datetime
) -> tuple[Decimal, int, Decimal]:
    """Qualifying spend, qualifying points, and the one the ladder is measured on."""
    since = window_start(terms, at)
    spend = await qualifying_spend(user_id, since=since, at=at)
    points = await qualifying_points(user_id, since=since, at=at)
    return spend, points, Decimal(points) if terms.tier_basis == TierBasis.POINTS else spend


async def evaluate(*, user_id: int, at: datetime | None = None) -> Tier | None:
    """Re-evaluate one member's tier now; writes `tier.changed` when it moves."""
    at = at or clock.now()
    async with transaction(), ledger.changing(user_id) as account:
        terms = await rules.program()
        tiers = await ladder()
        spend, points, measure = await _measures(terms, user_id, at)
        target = reached(tiers, measure, terms.tier_basis)
        current = next((t for t in tiers if t.id == account.tier_id), None)
        rank = current.rank if current else -1
        target_rank = target.rank if target else -1
        if target_rank > rank:
            await _move(account, current, target, terms, at, (spend, points))
        elif target_rank < rank:
            grace = timedelta(days=terms.downgrade_grace_days)
            if account.tier_review_at is None:
                account.tier_review_at = next_review(terms, at)
                await account.save(update_fields=["tier_review_at", "updated_at"])
            elif at >= account.tier_review_at + grace:
                await _move(account, current, target, terms, at, (spend, points))
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
    measures: tuple[Decimal, int],
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
            "basis": terms.tier_basis.value,
            "qualifyingSpend": measures[0],
            "qualifyingPoints": measures[1],
            "reviewAt": account.tier_review_at,
        },
    )


async def review_all(*, at: datetime | None = None) -> int:
    """The daily review: every member with a tier, recent spend or recently earned points;
    returns how many moved."""
    at = at or clock.now()
    terms = await rules.program()
    since = window_start(terms, at) - YEAR
    tiered = await MemberAccount.filter(tier_id__isnull=False).values_list("user_id", flat=True)
    spending = (
        await QualifyingSpend.filter(occurred_at__gt=since)
        .distinct()
        .values_list("user_id", flat=True)
    )
    earning = (
        await PointsLot.filter(earned_at__gt=since, rule_id__isnull=False)
        .distinct()
        .values_list("user_id", flat=True)
        if terms.tier_basis == TierBasis.POINTS
        else []
    )
    moved = 0
    for user_id in sorted({int(str(u)) for u in [*tiered, *spending, *earning]}):
        before = await MemberAccount.filter(user_id=user_id).values_list("tier_id", flat=True)
        after = await evaluate(user_id=user_id, at=at)
        if (before[0] if before else None) != (after.id if after else None):
            moved += 1
    return moved


async def progress(*, user_id: int, at: datetime | None = None) -> Progress:
    """Where the member stands: tier, the next one and how much spend (or how many points)
    it still needs."""
    at = at or clock.now()
    terms = await rules.program()
    tiers = await ladder()
    account = await MemberAccount.get_or_none(user_id=user_id)
    spend, points, measure = await _measures(terms, user_id, at)
    current = next((t for t in tiers if account and t.id == account.tier_id), None)
    higher = [t for t in tiers if t.rank > (current.rank if current else -1)]
    upcoming = higher[0] if higher else None
    needed = (
        max(threshold_of(upcoming, terms.tier_basis) - measure, Decimal(0)) if upcoming else None
    )
    return Progress(
        tier=current,
        next_tier=upcoming,
        basis=terms.tier_basis,
        qualifying_spend=spend,
        qualifying_points=points,
        needed=needed,
        review_at=account.tier_review_at if account else None,
        window_start=window_start(terms, at),
    )


@dataclass(frozen=True)
class TierSpec:
    code: str
    name: str
    rank: int
    threshold: Decimal
    threshold_points: int = 0
    discount_percent: Decimal = Decimal(0)
    free_delivery_from: Decimal | None = None
    points_multiplier: Decimal = Decimal(1)
    early_flash_hours: int = 0
    birthday_coupon_percent: Decimal = Decimal(0)
    aftersales_priority: int = 0
    is_active: bool = True


def _check_tier(spec: TierSpec) -> None:
    def bad(message: str, field: str) -> DomainError:
        return error(C.TIER_INVALID, message, field=field)

    if not spec.code or len(spec.code) > 32 or not spec.code.replace("_", "").isalnum():
        raise bad("The code is 1-32 letters, digits or '_'.", "code")
    if not spec.name.strip() or len(spec.name) > 80:
        raise bad("Name the tier in 1-80 characters.", "name")
    if not 0 <= spec.rank <= 100:
        raise bad("The rank is 0-100 (higher is better).", "rank")
    if not 0 <= spec.threshold_points <= 10**9:
        raise bad("Give 0 to 1,000,000,000 points.", "thresholdPoints")
    amounts = {"threshold": spec.threshold, "freeDeliveryFrom": spec.free_delivery_from}
    for name, amount in amounts.items():
        if amount is not None and (not amount.is_finite() or not 0 <= amount <= 10**9):
            raise bad("Give an amount from 0 with at most 2 decimals.", name)
    percents = {
        "discountPercent": spec.discount_percent,
        "birthdayCouponPercent": spec.birthday_coupon_percent,
    }
    for name, percent in percents.items():
        if not percent.is_finite() or not 0 <= percent <= 90:
            raise bad("A percentage is 0-90.", name)
    if not spec.points_multiplier.is_finite() or not 0 <= spec.points_multiplier <= 100:
        raise bad("The multiplier is 0-100.", "pointsMultiplier")
    if not 0 <= spec.early_flash_hours <= 720 or not 0 <= spec.aftersales_priority <= 10:
        raise bad("Early flash access is 0-720 hours, priority 0-10.", "earlyFlashHours")


async def save_tier(spec: TierSpec) -> Tier:
    """Create the tier `spec.code` or change it; members move at their next review."""
    _check_tier(spec)
    values = {
        "name": spec.name.strip(),
        "rank": spec.rank,
        "threshold": spec.threshold,
        "threshold_points": spec.threshold_points,
        "discount_percent": spec.discount_percent,
        "free_delivery_from": spec.free_delivery_from,
        "points_multiplier": spec.points_multiplier,
        "early_flash_hours": spec.early_flash_hours,
        "birthday_coupon_percent": spec.birthday_coupon_percent,
        "aftersales_priority": spec.aftersales_priority,
        "is_active": spec.is_active,
    }
    taken = await Tier.filter(rank=spec.rank).exclude(code=spec.code).exists()
    if taken:
        raise error(C.TIER_INVALID, f"Another tier has rank {spec.rank}.", field="rank")
    tier, created = await Tier.get_or_create(code=spec.code, defaults=values)
    if not created:
        await Tier.filter(id=tier.id).update(**values)
        await tier.refresh_from_db()
    return tier
