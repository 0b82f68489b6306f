"""Staff operations, always with a reason: manual point adjustments (in the ledger),
changes of earning rules and tiers and corrections of a member's birthday (in the audit
trail, with what changed)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from models.accounts import User
from models.membership import EarningRule, EntryKind, MemberAccount, Tier
from services import clock
from services.membership import audit, birthdays, ledger, lots, rules, tiers
from services.membership.errors import MembershipErrorCode, error
from services.transactions import transaction

C = MembershipErrorCode
MAX_ADJUSTMENT = 1_000_000


async def adjust(*, user_id: int, points: int, reason: str, key: str) -> int:
    """Add (a new lot, available at once) or take (soonest-expiring first) points; the same
    `key` again changes nothing. Returns the member's available balance after."""
    reason = (reason or "").strip()
    if not reason:
        raise error(C.REASON_REQUIRED, "Say why the points change.", field="reason")
    if len(reason) > 300:
        raise error(C.REASON_REQUIRED, "Keep the reason under 300 characters.", field="reason")
    if points == 0 or abs(points) > MAX_ADJUSTMENT:
        raise error(
            C.POINTS_INVALID,
            f"Adjust by 1 to {MAX_ADJUSTMENT:,} points, up or down.",
            field="points",
        )
    if not await User.exists(id=user_id):
        raise error(C.MEMBER_NOT_FOUND, "There is no such customer.", field="userId")
    entry_key = f"adjust:{key}"
    async with transaction(), ledger.changing(user_id) as account:
        if await ledger.find(entry_key) is None:
            if points > 0:
                at = clock.now()
                lot, _ = await lots.create(
                    account,
                    points=points,
                    available_at=at,
                    expires_at=rules.expiry_of(await rules.program(), at),
                    reference="staff",
                )
                allocations = [(lot.id, points)]
            else:
                allocations = await lots.take(user_id, -points)
            await ledger.record(
                user_id=user_id,
                kind=EntryKind.ADJUST,
                points=points,
                key=entry_key,
                reason=reason,
                reference="staff",
                allocations=allocations,
            )
    return (await ledger.balances(user_id)).available


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime):
        return value.isoformat()
    return getattr(value, "value", value)


async def create_rule(*, spec: rules.RuleSpec, staff_id: int | None, reason: str) -> EarningRule:
    """A new earning rule, audited with its reason (it applies to points not yet earned)."""
    reason = audit.clean_reason(reason)
    async with transaction():
        rule = await rules.create_rule(spec)
        await audit.record(
            staff_id=staff_id,
            action="rule.create",
            subject=f"rule:{rule.id}",
            reason=reason,
            changes={name: _plain(value) for name, value in vars(spec).items()},
        )
    return rule


async def end_rule(*, rule_id: int, staff_id: int | None, reason: str) -> EarningRule:
    """End an earning rule now, audited; what it earned stays."""
    reason = audit.clean_reason(reason)
    async with transaction():
        rule = await rules.end_rule(rule_id=rule_id)
        await audit.record(
            staff_id=staff_id,
            action="rule.end",
            subject=f"rule:{rule.id}",
            reason=reason,
            changes={"ends_at": _plain(rule.ends_at)},
        )
    return rule


async def save_tier(*, spec: tiers.TierSpec, staff_id: int | None, reason: str) -> Tier:
    """Create or change a tier, audited with what it was before."""
    reason = audit.clean_reason(reason)
    async with transaction():
        before = await Tier.get_or_none(code=spec.code)
        tier = await tiers.save_tier(spec)
        changes = {
            name: {
                "from": _plain(getattr(before, name)) if before else None,
                "to": _plain(getattr(tier, name)),
            }
            for name in vars(spec)
            if name != "code"
            and (before is None or _plain(getattr(before, name)) != _plain(getattr(tier, name)))
        }
        await audit.record(
            staff_id=staff_id,
            action="tier.create" if before is None else "tier.update",
            subject=f"tier:{tier.code}",
            reason=reason,
            changes=changes,
        )
    return tier


async def correct_birthday(
    *, user_id: int, month: int, day: int, staff_id: int | None, reason: str
) -> MemberAccount:
    """Set or correct a member's birthday, audited with what it was. A reward already given
    this year stays the only one (the reward row is unique per person and year)."""
    reason = audit.clean_reason(reason)
    birthdays.check_birthday(month=month, day=day)
    if not await User.exists(id=user_id):
        raise error(C.MEMBER_NOT_FOUND, "There is no such customer.", field="userId")
    async with transaction(), ledger.changing(user_id) as account:
        before = (
            f"{account.birth_month:02d}-{account.birth_day:02d}"
            if account.birth_month is not None and account.birth_day is not None
            else None
        )
        account.birth_month, account.birth_day = month, day
        await account.save(update_fields=["birth_month", "birth_day", "updated_at"])
        await audit.record(
            staff_id=staff_id,
            action="birthday.correct",
            subject=f"member:{user_id}",
            reason=reason,
            changes={"birthday": {"from": before, "to": f"{month:02d}-{day:02d}"}},
        )
    return account
