"""Staff writes on membership (MANAGE_MEMBERSHIP), each with a reason in the audit trail;
and the customer's own birthday."""

from __future__ import annotations

import uuid

from models.accounts import Permission
from models.membership import EarningRule, MemberAccount, MembershipProgram, Tier
from resolvers.auth import require_permission, viewer
from resolvers.context import Info
from services.events import actors
from services.membership import admin, birthdays, referrals, rules, terms, tiers
from services.membership.errors import MembershipErrorCode, error


async def adjust(
    info: Info, *, user_id: int, points: int, reason: str, idempotency_key: str | None
) -> int:
    staff = require_permission(info, Permission.MANAGE_MEMBERSHIP)
    with actors.acting_as(actors.staff(staff.id)):
        return await admin.adjust(
            user_id=user_id,
            points=points,
            reason=reason,
            key=f"{staff.id}:{idempotency_key or uuid.uuid4().hex}",
        )


async def create_rule(info: Info, spec: rules.RuleSpec, *, reason: str) -> EarningRule:
    staff = require_permission(info, Permission.MANAGE_MEMBERSHIP)
    return await admin.create_rule(spec=spec, staff_id=staff.id, reason=reason)


async def end_rule(info: Info, *, rule_id: int, reason: str) -> EarningRule:
    staff = require_permission(info, Permission.MANAGE_MEMBERSHIP)
    return await admin.end_rule(rule_id=rule_id, staff_id=staff.id, reason=reason)


async def save_tier(info: Info, spec: tiers.TierSpec, *, reason: str) -> Tier:
    staff = require_permission(info, Permission.MANAGE_MEMBERSHIP)
    return await admin.save_tier(spec=spec, staff_id=staff.id, reason=reason)


async def update_terms(info: Info, change: terms.TermsChange, *, reason: str) -> MembershipProgram:
    staff = require_permission(info, Permission.MANAGE_MEMBERSHIP)
    return await terms.update(change=change, staff_id=staff.id, reason=reason)


async def correct_birthday(
    info: Info, *, user_id: int, month: int, day: int, reason: str
) -> MemberAccount:
    staff = require_permission(info, Permission.MANAGE_MEMBERSHIP)
    with actors.acting_as(actors.staff(staff.id)):
        return await admin.correct_birthday(
            user_id=user_id, month=month, day=day, staff_id=staff.id, reason=reason
        )


async def set_birthday(info: Info, *, month: int, day: int) -> MemberAccount:
    """The signed-in customer's own birthday (set once)."""
    user = viewer(info)
    if user is None:
        raise error(MembershipErrorCode.PERMISSION_DENIED, "Sign in to add your birthday.")
    return await birthdays.set_birthday(user_id=user.id, month=month, day=day)


async def apply_referral(info: Info, *, code: str) -> None:
    """The signed-in customer names who referred them."""
    user = viewer(info)
    if user is None:
        raise error(MembershipErrorCode.PERMISSION_DENIED, "Sign in to use a referral code.")
    await referrals.apply_code(friend_id=user.id, code=code)
