"""SLA clocks: first-response and resolution targets per priority, paused while the case
waits on the customer, and the breach sweep.

Targets are calendar hours. Priority comes from the case, raised by the member's
`aftersales_priority` perk when the case is opened (services/flows/case_opening.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from models.aftersales import Case, CasePriority, CaseStatus
from services import clock
from services.aftersales import emission
from services.transactions import transaction

ORDER = [CasePriority.LOW, CasePriority.NORMAL, CasePriority.HIGH, CasePriority.URGENT]


@dataclass(frozen=True)
class Targets:
    first_response: timedelta
    resolution: timedelta


TARGETS: dict[CasePriority, Targets] = {
    CasePriority.LOW: Targets(timedelta(hours=48), timedelta(days=10)),
    CasePriority.NORMAL: Targets(timedelta(hours=24), timedelta(days=5)),
    CasePriority.HIGH: Targets(timedelta(hours=8), timedelta(days=2)),
    CasePriority.URGENT: Targets(timedelta(hours=2), timedelta(days=1)),
}
# Not running: a case in these states has no clock that can breach.
STOPPED = frozenset(
    {CaseStatus.SOLVED, CaseStatus.RESOLVED, CaseStatus.DECLINED, CaseStatus.CLOSED}
)


def raised(priority: CasePriority, steps: int) -> CasePriority:
    """`priority` raised by `steps` levels (a member perk), at most URGENT."""
    index = ORDER.index(priority) + max(steps, 0)
    return ORDER[min(index, len(ORDER) - 1)]


@dataclass(frozen=True)
class Due:
    first_response_due: datetime
    resolution_due: datetime


def due_times(priority: CasePriority, start: datetime) -> Due:
    targets = TARGETS[priority]
    return Due(start + targets.first_response, start + targets.resolution)


def resume(case: Case, now: datetime) -> dict[str, Any]:
    """The clock changes of a case leaving WAITING_ON_CUSTOMER: due times move by the pause."""
    if case.waiting_since is None:
        return {}
    paused = now - case.waiting_since
    changes: dict[str, Any] = {"waiting_since": None}
    if case.resolution_due is not None:
        changes["resolution_due"] = case.resolution_due + paused
    if case.first_response_due is not None and case.first_responded_at is None:
        changes["first_response_due"] = case.first_response_due + paused
    return changes


def breached(case: Case, now: datetime) -> bool:
    """True if a running clock of the case is past its target now."""
    if case.breached_at is not None:
        return True
    if case.status in STOPPED or case.waiting_since is not None:
        return False
    if case.first_responded_at is None and case.first_response_due is not None:
        if case.first_response_due < now:
            return True
    return case.resolution_due is not None and case.resolution_due < now


async def sweep(*, now: datetime | None = None) -> int:
    """Flag cases whose running clock passed its target (once each); returns how many."""
    now = now or clock.now()
    late = Q(first_responded_at__isnull=True, first_response_due__lt=now) | Q(
        resolution_due__lt=now
    )
    candidates = await Case.filter(
        late,
        breached_at__isnull=True,
        waiting_since__isnull=True,
        status__not_in=list(STOPPED),
    ).limit(500)
    flagged = 0
    for case in candidates:
        async with transaction():
            # Conditional: a concurrent sweep or a reply meanwhile wins, nothing is flagged twice.
            done = await Case.filter(
                id=case.id, breached_at__isnull=True, waiting_since__isnull=True
            ).update(breached_at=now)
            if done:
                case.breached_at = now
                target = (
                    "first_response"
                    if case.first_responded_at is None
                    and case.first_response_due is not None
                    and case.first_response_due < now
                    else "resolution"
                )
                await emission.sla_breached(case, target)
                flagged += 1
    return flagged
