"""Membership reads: the caller's own ledger, the public ladder and earning rules, and the
staff liability report."""

from __future__ import annotations

from models.accounts import Permission
from models.membership import EarningRule, MembershipAudit, PointsEntry, Tier
from resolvers.auth import has_permission, require_permission, viewer
from resolvers.context import Info
from resolvers.pagination import Page, page_from_slice, window
from services.membership import referrals, report, rules, tiers
from services.membership.report import Liability


def can_see(info: Info, user_id: int) -> bool:
    """A member's points are theirs and membership staff's alone."""
    user = viewer(info)
    if user is None:
        return False
    return user.id == user_id or has_permission(info, Permission.MANAGE_MEMBERSHIP)


async def ladder() -> list[Tier]:
    return await tiers.ladder()


async def earning_rules() -> list[EarningRule]:
    return await rules.listed_rules()


async def ledger_page(
    info: Info, *, user_id: int, first: int | None, after: str | None
) -> Page[PointsEntry] | None:
    """The member's ledger, newest first; None for callers who may not see it."""
    if not can_see(info, user_id):
        return None
    win = window(first, after)
    query = PointsEntry.filter(user_id=user_id)
    rows = await query.order_by("-id").offset(win.offset).limit(win.limit + 1)
    return page_from_slice(rows, win, query.count)


async def liability(info: Info, *, currency: str) -> Liability:
    require_permission(info, Permission.MANAGE_MEMBERSHIP)
    return await report.liability(currency=currency)


async def referral_code(info: Info, *, user_id: int) -> str | None:
    """The member's code to share: for the member only (made on first ask)."""
    user = viewer(info)
    if user is None or user.id != user_id:
        return None
    return await referrals.referral_code(user_id)


async def audit_page(info: Info, *, first: int | None, after: str | None) -> Page[MembershipAudit]:
    """Staff changes of the program, newest first (MANAGE_MEMBERSHIP)."""
    require_permission(info, Permission.MANAGE_MEMBERSHIP)
    win = window(first, after)
    query = MembershipAudit.all()
    rows = await query.order_by("-id").offset(win.offset).limit(win.limit + 1)
    return page_from_slice(rows, win, query.count)
