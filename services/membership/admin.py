"""Staff operations on a member's points: manual adjustments, always with a reason."""

from __future__ import annotations

from models.accounts import User
from models.membership import EntryKind
from services import clock
from services.membership import ledger, lots, rules
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
