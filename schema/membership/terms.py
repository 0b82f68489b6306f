"""The program's terms: public to read (`membershipProgram`), changed by staff
(`membershipUpdateProgram`, MANAGE_MEMBERSHIP, with a reason in the audit trail); and the
customer's own birthday (`membershipSetBirthday`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Self, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import membership as m
from resolvers.context import Info
from resolvers.membership import admin as resolve
from resolvers.membership import queries
from schema.connections import CountedConnection
from schema.membership.mutations import user_pk
from schema.membership.types import Membership, MembershipError, TierBasis
from schema.payloads import payload_errors
from services.errors import DomainError, DomainErrors
from services.membership import rules, terms
from services.membership.errors import MembershipErrorCode as Code

ShortfallPolicy = strawberry.enum(
    m.ShortfallPolicy,
    name="ShortfallPolicy",
    description="When a refund meets points its order earned that are already spent: "
    "NEGATIVE_BALANCE refunds in full and the member owes the points (later earnings repay "
    "them); REDUCE_REFUND pays the refund less by the points' value.",
)
TierWindow = strawberry.enum(
    m.TierWindow,
    name="TierWindow",
    description="What spend a tier is measured on: the last 12 months, or this calendar year.",
)


@strawberry.type(description="What one point is worth in a currency.")
class PointValue:
    currency: str
    value: Decimal


@strawberry.type(name="MembershipProgram", description="The loyalty program's terms.")
class MembershipProgramType:
    point_values: list[PointValue] = strawberry.field(
        description="What a point takes off an order, per currency (none: points cannot pay)."
    )
    min_redeem: int = strawberry.field(description="The fewest points spent at a time.")
    max_share: Decimal = strawberry.field(
        description="The largest share (0-1) of an order's amount due points may pay."
    )
    pending_days: int = strawberry.field(
        description="Days purchase points wait (the return window) before they can be spent."
    )
    expiry_days: int = strawberry.field(description="Days points live after they are earned.")
    expiring_notice_days: int = strawberry.field(
        description="Days before expiry that `points.expiring` goes out."
    )
    shortfall_policy: ShortfallPolicy  # type: ignore[valid-type]
    tier_window: TierWindow  # type: ignore[valid-type]
    tier_basis: TierBasis = strawberry.field(  # type: ignore[valid-type]
        description="What the tiers' entry thresholds measure over the window."
    )
    downgrade_grace_days: int = strawberry.field(
        description="Days after the review date before a tier goes down."
    )

    @classmethod
    def from_model(cls, row: m.MembershipProgram) -> Self:
        return cls(
            point_values=[
                PointValue(currency=c, value=Decimal(v))
                for c, v in sorted((row.point_values or {}).items())
            ],
            min_redeem=row.min_redeem,
            max_share=Decimal(row.max_share),
            pending_days=row.pending_days,
            expiry_days=row.expiry_days,
            expiring_notice_days=row.expiring_notice_days,
            shortfall_policy=m.ShortfallPolicy(row.shortfall_policy),
            tier_window=m.TierWindow(row.tier_window),
            tier_basis=m.TierBasis(row.tier_basis),
            downgrade_grace_days=row.downgrade_grace_days,
        )


@strawberry.input(description="A point's value in one currency.")
class PointValueInput:
    currency: str
    value: Decimal


@strawberry.input(
    description="Terms to change (leave a field out to keep it). They apply from now on: "
    "points already earned keep their dates."
)
class MembershipProgramInput:
    point_values: list[PointValueInput] | None = strawberry.field(
        default=None, description="Replaces every currency's value."
    )
    min_redeem: int | None = None
    max_share: Decimal | None = None
    pending_days: int | None = None
    expiry_days: int | None = None
    expiring_notice_days: int | None = None
    shortfall_policy: ShortfallPolicy | None = None  # type: ignore[valid-type]
    tier_window: TierWindow | None = None  # type: ignore[valid-type]
    tier_basis: TierBasis | None = strawberry.field(  # type: ignore[valid-type]
        default=None,
        description="Measure tiers on spend or points (set each tier's `thresholdPoints` "
        "before switching to POINTS).",
    )
    downgrade_grace_days: int | None = None
    reason: str = strawberry.field(description="Why the terms change (audit trail).")


@strawberry.type
class MembershipProgramPayload:
    program: MembershipProgramType | None
    errors: list[MembershipError]


@strawberry.type
class MembershipBirthdayPayload:
    membership: Membership | None
    errors: list[MembershipError]


@strawberry.input(description="Staff: set or correct a member's birthday (no year), saying why.")
class BirthdayCorrectionInput:
    user_id: relay.GlobalID = strawberry.field(description="The customer (a User ID).")
    month: int = strawberry.field(description="1-12.")
    day: int = strawberry.field(description="1-31, a day of that month (29 February allowed).")
    reason: str = strawberry.field(description="Why (1-300 characters; in the audit trail).")


@strawberry.type
class BirthdayCorrectionPayload:
    month: int | None = strawberry.field(description="The member's birthday month after.")
    day: int | None = strawberry.field(description="The member's birthday day after.")
    errors: list[MembershipError]


@strawberry.type(description="One staff change of the program: who, why and what changed.")
class MembershipAuditEntry:
    action: str = strawberry.field(
        description="terms.update, rule.create, rule.end, tier.create or tier.update."
    )
    subject: str = strawberry.field(description='What changed, e.g. "tier:gold", "rule:4".')
    staff_id: relay.GlobalID | None = strawberry.field(description="The staff member (a User).")
    reason: str
    changes: JSON = strawberry.field(description="Per changed value: {from, to}.")
    created_at: datetime

    @classmethod
    def from_model(cls, row: m.MembershipAudit) -> Self:
        return cls(
            action=row.action,
            subject=row.subject,
            staff_id=relay.GlobalID("User", str(row.staff_id)) if row.staff_id else None,
            reason=row.reason,
            changes=cast("JSON", row.changes),
            created_at=row.created_at,
        )


# Audit entries exist only in this list: edges and cursors, no global ID (see FeedConnection).
@strawberry.type(description="Staff changes of the program, newest first.")
class MembershipAuditConnection(CountedConnection[MembershipAuditEntry]):  # type: ignore[type-var]
    pass


def _errors(problem: DomainError | DomainErrors) -> list[MembershipError]:
    return payload_errors(problem, MembershipError, Code)


@strawberry.type
class MembershipTermsQuery:
    @strawberry.field(description="The loyalty program's terms (public).")
    async def membership_program(self) -> MembershipProgramType:
        return MembershipProgramType.from_model(await rules.program())

    @strawberry.field(description="Staff (MANAGE_MEMBERSHIP): changes of terms, rules and tiers.")
    async def membership_audit_trail(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> MembershipAuditConnection:
        page = await queries.audit_page(info, first=first, after=after)
        return MembershipAuditConnection.from_page(page, MembershipAuditEntry.from_model)


@strawberry.type
class MembershipTermsMutation:
    @strawberry.mutation(
        description="Staff (MANAGE_MEMBERSHIP): change the program's terms, saying why."
    )
    async def membership_update_program(
        self, info: Info, input: MembershipProgramInput
    ) -> MembershipProgramPayload:
        change = terms.TermsChange(
            point_values=(
                {p.currency.strip().upper()[:8]: p.value for p in input.point_values}
                if input.point_values is not None
                else None
            ),
            min_redeem=input.min_redeem,
            max_share=input.max_share,
            pending_days=input.pending_days,
            expiry_days=input.expiry_days,
            expiring_notice_days=input.expiring_notice_days,
            shortfall_policy=input.shortfall_policy,
            tier_window=input.tier_window,
            tier_basis=input.tier_basis,
            downgrade_grace_days=input.downgrade_grace_days,
        )
        try:
            program = await resolve.update_terms(info, change, reason=input.reason)
        except (DomainError, DomainErrors) as problem:
            return MembershipProgramPayload(program=None, errors=_errors(problem))
        return MembershipProgramPayload(
            program=MembershipProgramType.from_model(program), errors=[]
        )

    @strawberry.mutation(
        description="Add your birthday (month and day, no year) for the birthday reward. "
        "Set once; ask the shop to correct it."
    )
    async def membership_set_birthday(
        self, info: Info, month: int, day: int
    ) -> MembershipBirthdayPayload:
        try:
            account = await resolve.set_birthday(info, month=month, day=day)
        except (DomainError, DomainErrors) as problem:
            return MembershipBirthdayPayload(membership=None, errors=_errors(problem))
        return MembershipBirthdayPayload(membership=Membership(user_id=account.user_id), errors=[])

    @strawberry.mutation(
        description="Staff (MANAGE_MEMBERSHIP): set or correct a member's birthday, saying why "
        "(audit trail). A birthday reward already given this year is not given again."
    )
    async def membership_correct_birthday(
        self, info: Info, input: BirthdayCorrectionInput
    ) -> BirthdayCorrectionPayload:
        try:
            account = await resolve.correct_birthday(
                info,
                user_id=user_pk(input.user_id),
                month=input.month,
                day=input.day,
                reason=input.reason,
            )
        except (DomainError, DomainErrors) as problem:
            return BirthdayCorrectionPayload(month=None, day=None, errors=_errors(problem))
        return BirthdayCorrectionPayload(
            month=account.birth_month, day=account.birth_day, errors=[]
        )
