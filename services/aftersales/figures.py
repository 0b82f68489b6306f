"""Staff figures for a period, computed from stored cases: per kind and reason, how many
were opened, how fast staff first replied and resolved them, how many missed a target, and
how satisfied customers were.

Times are calendar hours from opening (what the customer lived through); cases count in the
period they were opened in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Any

from models.aftersales import Case, CaseKind, CaseReason

HOUR = 3600.0


@dataclass(frozen=True)
class Figures:
    kind: CaseKind | None
    reason: CaseReason | None
    cases: int
    first_replied: int
    first_reply_hours_mean: float | None
    first_reply_hours_median: float | None
    resolved: int
    resolution_hours_mean: float | None
    resolution_hours_median: float | None
    breached: int
    breach_rate: float | None
    rated: int
    rating_mean: float | None
    satisfied_share: float | None  # ratings of 4 or 5 among the rated


def _hours(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    return round(sum(values) / len(values), 2), round(median(values), 2)


def _figures(
    kind: CaseKind | None, reason: CaseReason | None, rows: list[dict[str, Any]]
) -> Figures:
    replies = [
        (r["first_responded_at"] - r["created_at"]).total_seconds() / HOUR
        for r in rows
        if r["first_responded_at"] is not None
    ]
    solved = [
        (r["solved_at"] - r["created_at"]).total_seconds() / HOUR
        for r in rows
        if r["solved_at"] is not None
    ]
    ratings = [int(r["rating"]) for r in rows if r["rating"] is not None]
    breached = sum(1 for r in rows if r["breached_at"] is not None)
    reply_mean, reply_median = _hours(replies)
    solve_mean, solve_median = _hours(solved)
    return Figures(
        kind=kind,
        reason=reason,
        cases=len(rows),
        first_replied=len(replies),
        first_reply_hours_mean=reply_mean,
        first_reply_hours_median=reply_median,
        resolved=len(solved),
        resolution_hours_mean=solve_mean,
        resolution_hours_median=solve_median,
        breached=breached,
        breach_rate=round(breached / len(rows), 4) if rows else None,
        rated=len(ratings),
        rating_mean=round(sum(ratings) / len(ratings), 2) if ratings else None,
        satisfied_share=(
            round(sum(1 for r in ratings if r >= 4) / len(ratings), 4) if ratings else None
        ),
    )


async def figures(*, since: datetime, until: datetime) -> tuple[Figures, list[Figures]]:
    """The period's totals and one row per (kind, reason) that had cases, in that order."""
    rows = await Case.filter(created_at__gte=since, created_at__lt=until).values(
        "kind", "reason", "created_at", "first_responded_at", "solved_at", "breached_at", "rating"
    )
    groups: dict[tuple[CaseKind, CaseReason], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(CaseKind(row["kind"]), CaseReason(row["reason"]))].append(row)
    kinds, reasons = list(CaseKind), list(CaseReason)
    ordered = sorted(groups, key=lambda k: (kinds.index(k[0]), reasons.index(k[1])))
    return _figures(None, None, list(rows)), [_figures(k, r, groups[(k, r)]) for k, r in ordered]
