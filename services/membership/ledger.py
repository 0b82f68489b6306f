"""The points ledger: one locked member row per change, append-only entries with unique keys,
and the balances read from the lots.

Every change of a member's points runs `async with changing(user_id) as account:` inside
`services.transactions.transaction()`: the member's row lock (PostgreSQL `FOR UPDATE`;
SQLite serializes writers) orders concurrent checkouts, refunds and jobs of one member, and
lot updates are conditional besides, so no lot and no balance can go below zero.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise import connections
from tortoise.functions import Sum

from models.membership import EntryKind, MemberAccount, PointsAllocation, PointsEntry, PointsLot
from services import clock
from services.events import actors, outbox
from services.events.ids import global_id
from services.events.types import EventTypeName
from services.sql import marks
from services.transactions import in_managed_transaction

T = EventTypeName
EVENT_OF: dict[EntryKind, EventTypeName] = {
    EntryKind.EARN: T.POINTS_EARNED,
    EntryKind.SPEND: T.POINTS_SPENT,
    EntryKind.RESTORE: T.POINTS_REVERSED,
    EntryKind.REVERSE: T.POINTS_REVERSED,
    EntryKind.SHORTFALL: T.POINTS_REVERSED,
    EntryKind.EXPIRE: T.POINTS_EXPIRED,
}


@dataclass(frozen=True)
class Balances:
    available: int
    pending: int
    debt: int

    @property
    def spendable(self) -> int:
        return max(self.available - self.debt, 0)


@asynccontextmanager
async def changing(user_id: int) -> AsyncIterator[MemberAccount]:
    """The member's account row, locked until the surrounding transaction ends."""
    if not in_managed_transaction():
        raise RuntimeError("points change outside transaction(): use services.transactions")
    conn = connections.get("default")
    a, b = marks(conn, 2)
    # Insert-if-missing in one statement: two first changes of a member cannot both create.
    await conn.execute_query(
        f"INSERT INTO member_account (user_id, debt, updated_at) VALUES ({a}, 0, {b}) "
        "ON CONFLICT (user_id) DO NOTHING",
        [user_id, clock.now()],
    )
    account = await MemberAccount.select_for_update().get(user_id=user_id)
    yield account


async def find(key: str) -> PointsEntry | None:
    """The entry written under `key` (a replay of the same operation finds it)."""
    return await PointsEntry.get_or_none(idempotency_key=key)


async def balances(user_id: int, *, at: datetime | None = None) -> Balances:
    """Available (spendable now), pending (awaiting the return window) and owed points."""
    at = at or clock.now()
    live = PointsLot.filter(user_id=user_id, remaining__gt=0, expires_at__gt=at)
    available = await _sum(live.filter(available_at__lte=at))
    pending = await _sum(live.filter(available_at__gt=at))
    account = await MemberAccount.get_or_none(user_id=user_id).only("id", "debt")
    return Balances(available=available, pending=pending, debt=account.debt if account else 0)


async def _sum(query: Any) -> int:
    rows = await query.annotate(total=Sum("remaining")).values("total")
    return int(rows[0]["total"] or 0) if rows else 0


async def record(
    *,
    user_id: int,
    kind: EntryKind,
    points: int,
    key: str,
    reason: str,
    reference: str = "",
    order_id: int | None = None,
    allocations: Sequence[tuple[int, int]] = (),
    value: Decimal | None = None,
    event: dict[str, Any] | None = None,
) -> PointsEntry:
    """Append one entry (with how it moved each lot) and its event, in the caller's lock."""
    entry = await PointsEntry.create(
        user_id=user_id,
        kind=kind,
        points=points,
        idempotency_key=key[:120],
        actor=actors.current()[:64],
        reason=reason[:300],
        reference=reference[:80],
        order_id=order_id,
        value=value,
        created_at=clock.now(),
    )
    if allocations:
        await PointsAllocation.bulk_create(
            [PointsAllocation(entry_id=entry.id, lot_id=lot, points=n) for lot, n in allocations]
        )
    type = EVENT_OF.get(kind) or (T.POINTS_EARNED if points >= 0 else T.POINTS_SPENT)
    await outbox.emit(
        type,
        aggregate_id=user_id,
        payload={
            "customerId": global_id("User", user_id),
            "entryId": global_id("PointsEntry", entry.id),
            "kind": kind.value,
            "points": points,
            "reason": entry.reason,
            "reference": entry.reference,
            "orderId": global_id("Order", order_id),
            **(event or {}),
        },
    )
    return entry
