"""Referrals: a customer names who referred them (`membershipApplyReferral`) before their first
purchase; both earn the referral rule when that first order is delivered. A member's own
code to share is `me.membership.referralCode`."""

from __future__ import annotations

import strawberry

from resolvers.context import Info
from resolvers.membership import admin as resolve
from schema.membership.types import MembershipError
from schema.payloads import payload_errors
from services.errors import DomainError, DomainErrors
from services.membership.errors import MembershipErrorCode as Code


@strawberry.type
class ReferralPayload:
    applied: bool = strawberry.field(description="True when the referral is recorded.")
    errors: list[MembershipError]


@strawberry.type
class MembershipReferralMutation:
    @strawberry.mutation(
        description="Name the member who referred you, with their code, before your first "
        "purchase. You both earn the referral points when your first order is delivered "
        "(not when you two share an e-mail pattern or an address)."
    )
    async def membership_apply_referral(self, info: Info, code: str) -> ReferralPayload:
        try:
            await resolve.apply_referral(info, code=code)
        except (DomainError, DomainErrors) as problem:
            return ReferralPayload(
                applied=False, errors=payload_errors(problem, MembershipError, Code)
            )
        return ReferralPayload(applied=True, errors=[])
