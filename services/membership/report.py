"""The liability report finance books: points outstanding and their value, pending points,
what has expired, and what is expected to expire per month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from tortoise.functions import Sum

from models.membership import EntryKind, MemberAccount, PointsEntry, PointsLot
from services import clock
from services.membership import rules


@dataclass(frozen=True)
class MonthExpiry:
    month: str
    points: int


@dataclass(frozen=True)
class Liability:
    outstanding: int
    pending: int
    owed: int
    expired: int
    value: Decimal
    currency: str
    expiring: list[MonthExpiry]


async def _total(query: object, field: str) -> int:
    rows = await query.annotate(total=Sum(field)).values("total")  # type: ignore[attr-defined]
    return int(rows[0]["total"] or 0) if rows else 0


async def liability(*, currency: str = "EUR", at: datetime | None = None) -> Liability:
    """Points available and pending (outstanding) valued at the point value in `currency`."""
    at = at or clock.now()
    live = PointsLot.filter(remaining__gt=0, expires_at__gt=at)
    available = await _total(live.filter(available_at__lte=at), "remaining")
    pending = await _total(live.filter(available_at__gt=at), "remaining")
    owed = await _total(MemberAccount.filter(debt__gt=0), "debt")
    expired = -await _total(PointsEntry.filter(kind=EntryKind.EXPIRE), "points")
    unit = rules.point_value(await rules.program(), currency) or Decimal(0)
    months: dict[str, int] = {}
    for expires_at, remaining in await live.values_list("expires_at", "remaining"):
        key = f"{expires_at:%Y-%m}"
        months[key] = months.get(key, 0) + int(remaining)
    outstanding = available + pending - owed
    return Liability(
        outstanding=outstanding,
        pending=pending,
        owed=owed,
        expired=expired,
        value=(unit * outstanding).quantize(Decimal("0.01")),
        currency=currency,
        expiring=[MonthExpiry(m, n) for m, n in sorted(months.items())],
    )
