"""The case state machine, enforced here and nowhere else, with the timeline it writes.

Two workflows share one status column: returns, exchanges and repairs go
requested -> approved | declined -> awaiting items -> received -> refunded / exchanged /
repaired -> resolved -> closed (an exchange whose replacement order is cancelled unpaid goes
back from exchanged to received, for staff to place another); complaints and inquiries go
new -> open <-> waiting on customer -> solved -> closed, and a customer's reply reopens a
solved one until it closes.
"""

from __future__ import annotations

from typing import Any

from models.aftersales import Case, CaseKind, CaseStatus, CaseTimelineEntry
from services import clock
from services.aftersales import emission, sla
from services.aftersales.errors import AftersalesErrorCode, error
from services.events import actors

S = CaseStatus
GOODS_KINDS = frozenset({CaseKind.RETURN, CaseKind.EXCHANGE, CaseKind.REPAIR})

# The outcome each goods kind must reach from RECEIVED.
OUTCOME = {CaseKind.RETURN: S.REFUNDED, CaseKind.EXCHANGE: S.EXCHANGED, CaseKind.REPAIR: S.REPAIRED}

_GOODS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.REQUESTED: frozenset({S.APPROVED, S.DECLINED}),
    S.APPROVED: frozenset({S.AWAITING_ITEMS}),
    S.AWAITING_ITEMS: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.REFUNDED, S.EXCHANGED, S.REPAIRED}),
    S.REFUNDED: frozenset({S.RESOLVED}),
    S.EXCHANGED: frozenset({S.RESOLVED, S.RECEIVED}),
    S.REPAIRED: frozenset({S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED}),
    S.DECLINED: frozenset({S.CLOSED}),
}
_SUPPORT: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.NEW: frozenset({S.OPEN, S.WAITING_ON_CUSTOMER, S.SOLVED}),
    S.OPEN: frozenset({S.WAITING_ON_CUSTOMER, S.SOLVED}),
    S.WAITING_ON_CUSTOMER: frozenset({S.OPEN, S.SOLVED}),
    S.SOLVED: frozenset({S.OPEN, S.CLOSED}),
}
# A solved or resolved case counts as done for the SLA, the survey and the closing job.
DONE = frozenset({S.SOLVED, S.RESOLVED, S.DECLINED})
FINAL = frozenset({S.CLOSED})


def initial_status(kind: CaseKind) -> CaseStatus:
    return S.REQUESTED if kind in GOODS_KINDS else S.NEW


def allowed(kind: CaseKind, current: CaseStatus, target: CaseStatus) -> bool:
    """True if a case of `kind` may move from `current` to `target`."""
    table = _GOODS if kind in GOODS_KINDS else _SUPPORT
    if target not in table.get(current, frozenset()):
        return False
    if current == S.RECEIVED:
        return OUTCOME[kind] == target
    if (current, target) == (S.EXCHANGED, S.RECEIVED):
        return kind == CaseKind.EXCHANGE
    return True


async def record(
    case: Case,
    kind: str,
    *,
    data: dict[str, Any] | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
) -> CaseTimelineEntry:
    """Append one entry to the case's timeline, naming the current actor."""
    return await CaseTimelineEntry.create(
        case_id=case.id,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actors.current(),
        data=data or {},
        created_at=clock.now(),
    )


async def move(
    case: Case,
    target: CaseStatus,
    *,
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> Case:
    """Move `case` to `target` if the workflow allows it and nobody moved it meanwhile.

    Conditional on the status read, so two concurrent moves cannot both win; writes the
    timeline entry and the events with it (call inside `transaction()`).
    """
    current = CaseStatus(case.status)
    kind = CaseKind(case.kind)
    if not allowed(kind, current, target):
        raise error(
            AftersalesErrorCode.TRANSITION_NOT_ALLOWED,
            f"A {kind.value} case cannot go from {current.value} to {target.value}.",
            field="caseId",
        )
    now = clock.now()
    values: dict[str, Any] = {"status": target, "updated_at": now, **(changes or {})}
    values.update(_clock_changes(case, current, target, now))
    for name, value in values.items():
        setattr(case, name, value)
    values.update(sla.derived(case))
    updated = await Case.filter(id=case.id, status=current).update(**values)
    if updated == 0:
        raise error(
            AftersalesErrorCode.TRANSITION_NOT_ALLOWED,
            f"Case {case.number} changed meanwhile; reload it and try again.",
            field="caseId",
        )
    for name, value in values.items():
        setattr(case, name, value)
    await record(case, "status", data=data, from_status=current.value, to_status=target.value)
    await emission.status_changed(case, current, data or {})
    return case


def _clock_changes(case: Case, current: CaseStatus, target: CaseStatus, now: Any) -> dict[str, Any]:
    """The SLA pause and the solved time: waiting on the customer (or their parcel) and
    being solved stop the clocks; when they run again the targets keep the time they had."""
    changes: dict[str, Any] = {}
    if target in sla.WAITING and current not in sla.WAITING:
        changes["waiting_since"] = now
    elif current in sla.WAITING and target not in sla.WAITING and case.waiting_since:
        changes.update(sla.resume(case, case.waiting_since, now), waiting_since=None)
    if target in DONE:
        changes["solved_at"] = now
    elif current in DONE and target != S.CLOSED:
        if case.solved_at is not None:
            changes.update(sla.resume(case, case.solved_at, now))
        changes["solved_at"] = None
    if target == S.CLOSED:
        changes["closed_at"] = now
    return changes
