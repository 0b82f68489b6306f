"""Expiry: points left in a lot past its expiry date are expired (one ledger entry per lot),
and members hear about points that expire soon (`points.expiring`, once per lot)."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from tortoise.expressions import F

from models.membership import EntryKind, PointsLot
from services import clock
from services.events import outbox
from services.events.ids import global_id
from services.events.types import EventTypeName
from services.membership import ledger, rules, tiers
from services.periodic import run_every
from services.transactions import transaction

logger = logging.getLogger("shopgraph.membership.expiry")
BATCH = 500


async def expire_due(*, at: datetime | None = None) -> int:
    """Expire every lot past its date that still holds points; returns the points expired."""
    at = at or clock.now()
    total = 0
    while True:
        done, more = await _expire_batch(at)
        total += done
        if not more:
            return total


async def _expire_batch(at: datetime) -> tuple[int, bool]:
    rows = (
        await PointsLot.filter(remaining__gt=0, expires_at__lte=at)
        .limit(BATCH)
        .values("id", "user_id")
    )
    by_user: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_user[row["user_id"]].append(row["id"])
    total = 0
    for user_id, lot_ids in by_user.items():
        async with transaction(), ledger.changing(user_id):
            # Re-read under the member lock: a checkout may have spent from these lots.
            for lot in await PointsLot.filter(id__in=lot_ids, remaining__gt=0, expires_at__lte=at):
                n = lot.remaining
                await PointsLot.filter(id=lot.id, remaining=n).update(
                    remaining=0, expired=F("expired") + n
                )
                await ledger.record(
                    user_id=user_id,
                    kind=EntryKind.EXPIRE,
                    points=-n,
                    key=f"expire:{lot.id}:{lot.expired + n}",
                    reason=f"Points earned {lot.created_at:%Y-%m-%d} expired",
                    reference=f"lot:{lot.id}",
                    allocations=[(lot.id, -n)],
                    event={"expiredAt": lot.expires_at},
                )
                total += n
    return total, len(rows) == BATCH


async def notify_expiring(*, at: datetime | None = None) -> int:
    """One `points.expiring` per member for lots expiring within the notice period; each lot
    is announced once. Returns the number of events written."""
    at = at or clock.now()
    terms = await rules.program()
    horizon = at + timedelta(days=terms.expiring_notice_days)
    rows = (
        await PointsLot.filter(
            remaining__gt=0, expiring_notified=False, expires_at__gt=at, expires_at__lte=horizon
        )
        .limit(BATCH)
        .values("id", "user_id", "remaining", "expires_at")
    )
    by_user: dict[int, list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        by_user[row["user_id"]].append(row)
    for user_id, lots in by_user.items():
        async with transaction():
            marked = await PointsLot.filter(
                id__in=[lot["id"] for lot in lots], expiring_notified=False
            ).update(expiring_notified=True)
            if not marked:
                continue
            await outbox.emit(
                EventTypeName.POINTS_EXPIRING,
                aggregate_id=user_id,
                payload={
                    "customerId": global_id("User", user_id),
                    "points": sum(int(str(lot["remaining"])) for lot in lots),
                    "expiresAt": min(lot["expires_at"] for lot in lots),  # type: ignore[type-var]
                    "lots": [
                        {"points": lot["remaining"], "expiresAt": lot["expires_at"]} for lot in lots
                    ],
                },
            )
    return len(by_user)


async def run_daily(*, at: datetime | None = None) -> dict[str, int]:
    """The expiry job's one pass: announce, then expire (the CLI and the server run this)."""
    return {
        "announced": await notify_expiring(at=at),
        "expired": await expire_due(at=at),
        "tiersReviewed": await tiers.review_all(at=at),
    }


async def run_forever(interval: float = 3600.0, *, first_after: float = 60.0) -> None:
    """Run the daily pass every `interval` seconds (hourly catches up after a restart)."""
    await run_every(
        run_daily,
        interval=interval,
        first_after=first_after,
        logger=logger,
        name="membership expiry pass",
    )
