"""The program's terms and the earning rules staff set: which rule applies when, and with
what multiplier for a tier. Points already earned keep the rule and multiplier they were
earned with (stored on their lot), so changing a rule never changes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from tortoise.expressions import Q

from models.membership import EarningRule, MembershipProgram, RuleKind, Tier
from services import clock
from services.membership.errors import MembershipErrorCode, error

C = MembershipErrorCode
DEFAULT_POINT_VALUES = {"EUR": "0.01", "GBP": "0.01"}


async def program() -> MembershipProgram:
    """The program's terms (created with safe defaults on first use)."""
    found, _ = await MembershipProgram.get_or_create(
        id=1, defaults={"point_values": dict(DEFAULT_POINT_VALUES)}
    )
    return found


def point_value(terms: MembershipProgram, currency: str) -> Decimal | None:
    """What one point is worth in `currency`; None where points cannot pay."""
    raw = (terms.point_values or {}).get(currency)
    return Decimal(raw) if raw else None


def pending_until(terms: MembershipProgram, at: datetime) -> datetime:
    """When purchase points earned at `at` become spendable (the return window has passed)."""
    return at + timedelta(days=terms.pending_days)


def expiry_of(terms: MembershipProgram, at: datetime) -> datetime:
    return at + timedelta(days=terms.expiry_days)


async def active_rule(kind: RuleKind, *, at: datetime | None = None) -> EarningRule | None:
    """The rule of `kind` in force at `at`: the latest started one that has not ended."""
    at = at or clock.now()
    return (
        await EarningRule.filter(
            Q(kind=kind, is_active=True, starts_at__lte=at)
            & (Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        )
        .order_by("-starts_at", "-id")
        .first()
    )


def multiplier(rule: EarningRule, tier: Tier | None) -> Decimal:
    """The rule's multiplier for `tier`, else the tier's own points multiplier, else 1."""
    if tier is None:
        return Decimal(1)
    raw = (rule.tier_multipliers or {}).get(tier.code)
    return Decimal(raw) if raw is not None else Decimal(tier.points_multiplier)


def whole_points(value: Decimal) -> int:
    """Points are whole; a fraction is never rounded up in the member's favour."""
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


@dataclass(frozen=True)
class RuleSpec:
    kind: RuleKind
    name: str
    starts_at: datetime
    ends_at: datetime | None = None
    points_per_unit: Decimal = Decimal(0)
    points: int = 0
    tier_multipliers: dict[str, str] | None = None


def check_rule(spec: RuleSpec) -> None:
    """Refuse a rule that could never earn or earns without end in both directions."""
    if spec.starts_at.tzinfo is None or (spec.ends_at and spec.ends_at.tzinfo is None):
        raise error(C.RULE_INVALID, "Give dates with a UTC offset.", field="startsAt")
    if spec.ends_at is not None and spec.ends_at <= spec.starts_at:
        raise error(C.RULE_INVALID, "A rule must end after it starts.", field="endsAt")
    if not spec.name.strip() or len(spec.name) > 120:
        raise error(C.RULE_INVALID, "Name the rule in 1-120 characters.", field="name")
    per_unit = Decimal(spec.points_per_unit)
    if not per_unit.is_finite() or not (0 <= per_unit <= 1000) or per_unit != round(per_unit, 2):
        raise error(C.RULE_INVALID, "Points per unit: 0-1000, 2 decimals.", field="pointsPerUnit")
    if not 0 <= spec.points <= 1_000_000:
        raise error(C.RULE_INVALID, "Points: 0-1,000,000.", field="points")
    for code, raw in (spec.tier_multipliers or {}).items():
        value = Decimal(raw)
        if not value.is_finite() or not (0 <= value <= 100):
            raise error(C.RULE_INVALID, f"Multiplier of {code}: 0-100.", field="tierMultipliers")


async def create_rule(spec: RuleSpec) -> EarningRule:
    """A new earning rule; it applies from `starts_at` to points not yet earned."""
    check_rule(spec)
    return await EarningRule.create(
        kind=spec.kind,
        name=spec.name.strip(),
        starts_at=spec.starts_at,
        ends_at=spec.ends_at,
        points_per_unit=Decimal(spec.points_per_unit),
        points=spec.points,
        tier_multipliers={k: str(Decimal(v)) for k, v in (spec.tier_multipliers or {}).items()},
    )


async def end_rule(*, rule_id: int, at: datetime | None = None) -> EarningRule:
    """Stop a rule from now on; what it already earned stays."""
    rule = await EarningRule.get_or_none(id=rule_id)
    if rule is None:
        raise error(C.RULE_NOT_FOUND, "There is no such earning rule.", field="ruleId")
    rule.ends_at = at or clock.now()
    if rule.ends_at <= rule.starts_at:
        rule.is_active = False
    await rule.save(update_fields=["ends_at", "is_active"])
    return rule


async def listed_rules(*, at: datetime | None = None) -> list[EarningRule]:
    """Rules in force or still to come, for the public listing."""
    at = at or clock.now()
    return list(
        await EarningRule.filter(
            Q(is_active=True) & (Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        ).order_by("kind", "starts_at", "id")
    )
