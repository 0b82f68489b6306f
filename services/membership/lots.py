"""Points lots: created by earning, drawn soonest-expiring first, given back to the lots they
came from. Every lot update is conditional at the database (`remaining >= n`), so even a
caller that forgot the member lock could not take a lot below zero."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from tortoise.expressions import F

from models.membership import MemberAccount, PointsLot
from services import clock
from services.membership.errors import MembershipErrorCode, error

C = MembershipErrorCode


async def create(
    account: MemberAccount,
    *,
    points: int,
    available_at: datetime,
    expires_at: datetime,
    rule_id: int | None = None,
    multiplier: Decimal = Decimal(1),
    reference: str = "",
    order_id: int | None = None,
    order_line_id: int | None = None,
    quantity: int = 0,
    earned_at: datetime | None = None,
) -> tuple[PointsLot, int]:
    """A new lot, earned at `earned_at` (default now); points the member owes (a past
    shortfall) are repaid from it first.

    Returns the lot and the points that went to repay the debt.
    """
    repaid = min(account.debt, points)
    lot = await PointsLot.create(
        user_id=account.user_id,
        points=points,
        remaining=points - repaid,
        rule_id=rule_id,
        multiplier=multiplier,
        reference=reference[:80],
        order_id=order_id,
        order_line_id=order_line_id,
        quantity=quantity,
        available_at=available_at,
        expires_at=expires_at,
        earned_at=earned_at or clock.now(),
    )
    if repaid:
        account.debt -= repaid
        await account.save(update_fields=["debt", "updated_at"])
    return lot, repaid


async def take(user_id: int, points: int, *, at: datetime | None = None) -> list[tuple[int, int]]:
    """Take `points` from the member's spendable lots, soonest-expiring first.

    Returns (lot id, -points taken) per lot; INSUFFICIENT_POINTS (and nothing taken, as the
    caller's transaction rolls back) when the lots hold fewer.
    """
    at = at or clock.now()
    lots = await PointsLot.filter(
        user_id=user_id, remaining__gt=0, available_at__lte=at, expires_at__gt=at
    ).order_by("expires_at", "id")
    taken: list[tuple[int, int]] = []
    left = points
    for lot in lots:
        if left == 0:
            break
        n = min(left, lot.remaining)
        changed = await PointsLot.filter(id=lot.id, remaining__gte=n).update(
            remaining=F("remaining") - n
        )
        if not changed:  # taken meanwhile: the transaction must not spend what is gone
            break
        taken.append((lot.id, -n))
        left -= n
    if left:
        raise error(
            C.INSUFFICIENT_POINTS,
            f"Only {points - left} of the {points} points are available to spend.",
            field="pointsToSpend",
        )
    return taken


async def give_back(allocations: Sequence[tuple[int, int]]) -> None:
    """Return points to the lots they were taken from ((lot id, +points) each)."""
    for lot_id, n in allocations:
        await PointsLot.filter(id=lot_id).update(remaining=F("remaining") + n)


async def cancel(lot: PointsLot, points: int) -> int:
    """Cancel up to `points` of an earned lot (a reversal); returns how many it still held.

    The rest were spent or expired: the caller records them as shortfall.
    """
    held = min(points, lot.remaining)
    if held:
        changed = await PointsLot.filter(id=lot.id, remaining__gte=held).update(
            remaining=F("remaining") - held, reversed=F("reversed") + points
        )
        if not changed:
            raise RuntimeError("lot changed under the member lock")
    else:
        await PointsLot.filter(id=lot.id).update(reversed=F("reversed") + points)
    lot.remaining -= held
    lot.reversed += points
    return held
