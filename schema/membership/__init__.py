"""The membership contract: queries and mutations; types in `types`, staff writes in
`mutations`. `me.membership` is on the User type (schema/accounts/types.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from resolvers.context import Info
from resolvers.membership import queries as resolve
from schema.membership.mutations import MembershipMutation as StaffMembershipMutation
from schema.membership.referrals import MembershipReferralMutation
from schema.membership.terms import MembershipTermsMutation, MembershipTermsQuery
from schema.membership.types import EarningRuleType, Membership, TierType, membership_of


@strawberry.type(description="Points per month of expiry.")
class ExpiryMonth:
    month: str = strawberry.field(description="YYYY-MM.")
    points: int


@strawberry.type(description="The points liability finance books.")
class PointsLiability:
    outstanding: int = strawberry.field(description="Available plus pending, less owed.")
    pending: int
    owed: int
    expired: int = strawberry.field(description="Points expired, all time.")
    value: Decimal = strawberry.field(description="`outstanding` at the point value.")
    currency: str
    expiring: list[ExpiryMonth] = strawberry.field(description="Expected expiry per month.")
    generated_at: datetime


@strawberry.type
class MembershipMutation(
    StaffMembershipMutation, MembershipTermsMutation, MembershipReferralMutation
):
    pass


@strawberry.type
class MembershipQuery(MembershipTermsQuery):
    @strawberry.field(description="The tier ladder, lowest first (public).")
    async def membership_tiers(self) -> list[TierType]:
        return [TierType.from_model(row) for row in await resolve.ladder()]

    @strawberry.field(description="Earning rules in force or still to come (public).")
    async def earning_rules(self) -> list[EarningRuleType]:
        return [EarningRuleType.from_model(row) for row in await resolve.earning_rules()]

    @strawberry.field(description="Staff (MANAGE_MEMBERSHIP): the points liability report.")
    async def membership_liability(self, info: Info, currency: str = "EUR") -> PointsLiability:
        found = await resolve.liability(info, currency=currency[:3].upper())
        return PointsLiability(
            outstanding=found.outstanding,
            pending=found.pending,
            owed=found.owed,
            expired=found.expired,
            value=found.value,
            currency=found.currency,
            expiring=[ExpiryMonth(month=e.month, points=e.points) for e in found.expiring],
            generated_at=datetime.now().astimezone(),
        )


__all__ = ["Membership", "MembershipMutation", "MembershipQuery", "membership_of"]
