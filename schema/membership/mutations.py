"""Staff operations on membership (MANAGE_MEMBERSHIP): point adjustments with a required
reason, earning rules and tiers. Expected failures come back as `errors`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from resolvers.context import Info
from resolvers.membership import admin as resolve
from schema.membership.types import (
    EarningRuleKind,
    EarningRuleType,
    MembershipError,
    TierType,
)
from schema.nodes import node_pk
from schema.payloads import payload_errors
from services.errors import DomainError, DomainErrors
from services.membership import rules, tiers
from services.membership.errors import MembershipErrorCode as Code
from services.membership.errors import error


@strawberry.input(description="Add (positive) or take (negative) points, saying why.")
class PointsAdjustmentInput:
    user_id: relay.GlobalID = strawberry.field(description="The customer (a User ID).")
    points: int = strawberry.field(description="1 to 1,000,000 up or down.")
    reason: str = strawberry.field(description="Why; shown in the member's ledger.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Send the same key again and nothing changes twice."
    )


@strawberry.type
class PointsAdjustmentPayload:
    available: int | None = strawberry.field(description="The member's available points after.")
    errors: list[MembershipError]


@strawberry.input(name="TierMultiplierInput")
class TierMultiplierInput:
    tier_code: str
    multiplier: Decimal


@strawberry.input(description="A new earning rule; points already earned never change.")
class EarningRuleInput:
    kind: EarningRuleKind  # type: ignore[valid-type]
    name: str
    starts_at: datetime
    ends_at: datetime | None = None
    points_per_unit: Decimal = Decimal(0)
    points: int = 0
    tier_multipliers: list[TierMultiplierInput] = strawberry.field(default_factory=list)
    reason: str = strawberry.field(description="Why the rule is made (written to the audit log).")


@strawberry.type
class EarningRulePayload:
    rule: EarningRuleType | None
    errors: list[MembershipError]


@strawberry.input(description="Create a tier or change the one with this code.")
class TierInput:
    code: str
    name: str
    rank: int
    threshold: Decimal = strawberry.field(description="Entry spend (a SPEND ladder).")
    threshold_points: int = strawberry.field(
        default=0, description="Entry qualifying points (a POINTS ladder)."
    )
    discount_percent: Decimal = Decimal(0)
    free_delivery_from: Decimal | None = None
    points_multiplier: Decimal = Decimal(1)
    early_flash_hours: int = 0
    birthday_coupon_percent: Decimal = Decimal(0)
    aftersales_priority: int = 0
    is_active: bool = True
    reason: str = strawberry.field(description="Why the ladder changes (audit log).")


@strawberry.type
class TierPayload:
    tier: TierType | None
    errors: list[MembershipError]


def _errors(problem: DomainError | DomainErrors) -> list[MembershipError]:
    return payload_errors(problem, MembershipError, Code)


def _reason(reason: str) -> None:
    if not reason.strip() or len(reason) > 300:
        raise error(Code.REASON_REQUIRED, "Say why, in 1-300 characters.", field="reason")


def user_pk(gid: relay.GlobalID) -> int:
    pk = node_pk(gid.node_id) if gid.type_name == "User" else None
    if pk is None:
        raise error(Code.INVALID_ID, "Give a User ID.", field="userId")
    return pk


@strawberry.type
class MembershipMutation:
    @strawberry.mutation(description="Staff (MANAGE_MEMBERSHIP): add or take a member's points.")
    async def membership_adjust_points(
        self, info: Info, input: PointsAdjustmentInput
    ) -> PointsAdjustmentPayload:
        try:
            available = await resolve.adjust(
                info,
                user_id=user_pk(input.user_id),
                points=input.points,
                reason=input.reason,
                idempotency_key=(input.idempotency_key or "")[:80] or None,
            )
        except (DomainError, DomainErrors) as problem:
            return PointsAdjustmentPayload(available=None, errors=_errors(problem))
        return PointsAdjustmentPayload(available=available, errors=[])

    @strawberry.mutation(description="Staff (MANAGE_MEMBERSHIP): add an earning rule.")
    async def membership_create_earning_rule(
        self, info: Info, input: EarningRuleInput
    ) -> EarningRulePayload:
        try:
            _reason(input.reason)
            spec = rules.RuleSpec(
                kind=input.kind,
                name=input.name,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                points_per_unit=input.points_per_unit,
                points=input.points,
                tier_multipliers={t.tier_code: str(t.multiplier) for t in input.tier_multipliers},
            )
            rule = await resolve.create_rule(info, spec, reason=input.reason)
        except (DomainError, DomainErrors) as problem:
            return EarningRulePayload(rule=None, errors=_errors(problem))
        return EarningRulePayload(rule=EarningRuleType.from_model(rule), errors=[])

    @strawberry.mutation(
        description="Staff (MANAGE_MEMBERSHIP): end an earning rule now; what it earned stays."
    )
    async def membership_end_earning_rule(
        self, info: Info, rule_id: strawberry.ID, reason: str
    ) -> EarningRulePayload:
        try:
            _reason(reason)
            pk = int(rule_id) if str(rule_id).isdigit() and len(str(rule_id)) < 10 else 0
            rule = await resolve.end_rule(info, rule_id=pk, reason=reason)
        except (DomainError, DomainErrors) as problem:
            return EarningRulePayload(rule=None, errors=_errors(problem))
        return EarningRulePayload(rule=EarningRuleType.from_model(rule), errors=[])

    @strawberry.mutation(description="Staff (MANAGE_MEMBERSHIP): create or change a tier.")
    async def membership_save_tier(self, info: Info, input: TierInput) -> TierPayload:
        try:
            _reason(input.reason)
            spec = tiers.TierSpec(
                code=input.code,
                name=input.name,
                rank=input.rank,
                threshold=input.threshold,
                threshold_points=input.threshold_points,
                discount_percent=input.discount_percent,
                free_delivery_from=input.free_delivery_from,
                points_multiplier=input.points_multiplier,
                early_flash_hours=input.early_flash_hours,
                birthday_coupon_percent=input.birthday_coupon_percent,
                aftersales_priority=input.aftersales_priority,
                is_active=input.is_active,
            )
            tier = await resolve.save_tier(info, spec, reason=input.reason)
        except (DomainError, DomainErrors) as problem:
            return TierPayload(tier=None, errors=_errors(problem))
        return TierPayload(tier=TierType.from_model(tier), errors=[])
