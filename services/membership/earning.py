"""Earning points: per order line on the goods paid, and once per occasion for sign-up,
reviews, answers, birthdays and referrals. The rule and the multiplier in force when the
points are earned are stored on their lot; reversals use those, never today's rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from tortoise import connections

from models.membership import (
    EntryKind,
    MemberAccount,
    QualifyingSpend,
    RuleKind,
    Tier,
    TierBasis,
)
from services import clock
from services.membership import ledger, lots, rules, tiers
from services.sql import insert_once
from services.transactions import transaction

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PaidLine:
    """One order line as paid: `amount` is goods only (after coupons and points)."""

    line_id: int
    quantity: int
    amount: Decimal


@dataclass(frozen=True)
class Earned:
    points: int
    replayed: bool = False


def goods_paid(line_totals: Sequence[Decimal], points_discount: Decimal) -> list[Decimal]:
    """Each line's goods total less its share of what points paid (shipping never earns).

    Points are charged against goods first, shared in proportion to the line totals, with
    the rounding cents going to the first lines, so the shares add up exactly.
    """
    goods = sum(line_totals, Decimal(0))
    points = min(Decimal(points_discount), goods)
    if goods <= 0:
        return [Decimal("0.00") for _ in line_totals]
    shares = [(points * total / goods).quantize(CENT, ROUND_HALF_EVEN) for total in line_totals]
    drift = points - sum(shares, Decimal(0))
    if shares and drift:
        shares[0] += drift
    return [
        max(total - share, Decimal("0.00"))
        for total, share in zip(line_totals, shares, strict=True)
    ]


async def _tier(account: MemberAccount) -> Tier | None:
    return await Tier.get_or_none(id=account.tier_id) if account.tier_id else None


async def earn_for_order(
    *, user_id: int, order_id: int, lines: Sequence[PaidLine], currency: str, paid_at: datetime
) -> Earned:
    """Points for a paid order, one pending lot per line; replaying the order earns nothing."""
    key = f"earn:order:{order_id}"
    async with transaction(), ledger.changing(user_id) as account:
        if await ledger.find(key) is not None:
            return Earned(0, replayed=True)
        terms = await rules.program()
        rule = await rules.active_rule(RuleKind.PURCHASE, at=paid_at)
        tier = await _tier(account)
        factor = rules.multiplier(rule, tier) if rule else Decimal(0)
        allocations: list[tuple[int, int]] = []
        total = repaid = 0
        for line in lines:
            await QualifyingSpend.create(
                user_id=user_id,
                amount=line.amount,
                key=f"spend:{order_id}:{line.line_id}",
                order_id=order_id,
                order_line_id=line.line_id,
                quantity=line.quantity,
                occurred_at=paid_at,
            )
            if rule is None:
                continue
            points = rules.whole_points(line.amount * Decimal(rule.points_per_unit) * factor)
            if points <= 0:
                continue
            lot, paid_back = await lots.create(
                account,
                points=points,
                available_at=rules.pending_until(terms, paid_at),
                expires_at=rules.expiry_of(terms, paid_at),
                rule_id=rule.id,
                multiplier=factor,
                reference=f"order:{order_id}",
                order_id=order_id,
                order_line_id=line.line_id,
                quantity=line.quantity,
                earned_at=paid_at,
            )
            allocations.append((lot.id, points))
            total += points
            repaid += paid_back
        await ledger.record(
            user_id=user_id,
            kind=EntryKind.EARN,
            points=total,
            key=key,
            reason=f"Order paid ({currency})"
            + (f", {repaid} repaid what was owed" if repaid else ""),
            reference=f"order:{order_id}",
            order_id=order_id,
            allocations=allocations,
            event={
                "pendingUntil": rules.pending_until(terms, paid_at),
                "ruleId": rule.id if rule else None,
            },
        )
    return Earned(total)


async def preview_for_goods(*, user_id: int | None, amounts: Sequence[Decimal]) -> int:
    """The points goods paid for `amounts` (one per line) would earn now, by today's rule and
    the member's tier: what a cart shows as "you will earn N points"."""
    if user_id is None:
        return 0
    rule = await rules.active_rule(RuleKind.PURCHASE)
    if rule is None:
        return 0
    account = await MemberAccount.get_or_none(user_id=user_id)
    factor = rules.multiplier(rule, await _tier(account) if account else None)
    per_unit = Decimal(rule.points_per_unit) * factor
    return sum(max(rules.whole_points(amount * per_unit), 0) for amount in amounts)


async def earn_once(
    *,
    user_id: int,
    kind: RuleKind,
    reference: str,
    reason: str,
    at: datetime | None = None,
    occasion: str | None = None,
) -> Earned:
    """The entry point of every occasion rule (sign-up, first review, review with a photo,
    accepted answer, birthday, referral): `reference` names what caused it ("review:12"),
    `occasion` what may earn only once (default: the reference; "user:5" for a member's
    first review), and the same occasion never earns twice. Available at once."""
    at = at or clock.now()
    key = f"earn:{kind.value}:{occasion or reference}"
    async with transaction(), ledger.changing(user_id) as account:
        if await ledger.find(key) is not None:
            return Earned(0, replayed=True)
        rule = await rules.active_rule(kind, at=at)
        if rule is None:
            return Earned(0)
        factor = rules.multiplier(rule, await _tier(account))
        points = rules.whole_points(Decimal(rule.points) * factor)
        if points <= 0:
            return Earned(0)
        terms = await rules.program()
        lot, repaid = await lots.create(
            account,
            points=points,
            available_at=at,
            expires_at=rules.expiry_of(terms, at),
            rule_id=rule.id,
            multiplier=factor,
            reference=reference,
            earned_at=at,
        )
        await ledger.record(
            user_id=user_id,
            kind=EntryKind.EARN,
            points=points,
            key=key,
            reason=reason + (f", {repaid} repaid what was owed" if repaid else ""),
            reference=reference,
            allocations=[(lot.id, points)],
            event={"ruleId": rule.id},
        )
    if terms.tier_basis == TierBasis.POINTS:  # these points count towards a tier: upgrade now
        await tiers.evaluate(user_id=user_id, at=at)
    return Earned(points)


async def claim_first(*, user_id: int, kind: RuleKind, reference: str) -> bool:
    """True the first time the member does `kind` (one statement: of two at once, one wins);
    recorded even when no rule is in force, so a later occasion is never the first."""
    claimed = await insert_once(
        connections.get("default"),
        "membership_first_occasion",
        {
            "user_id": user_id,
            "kind": kind.value,
            "reference": reference[:80],
            "created_at": clock.now(),
        },
        ("user_id", "kind"),
    )
    return claimed is not None
