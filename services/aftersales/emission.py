"""After-sales events: case.created, status_changed, message_added, sla_warning,
sla_breached, survey_offered, satisfaction_rated, resolved, closed (README, "After-sales").
Payloads carry global IDs and no message text, so an internal note never leaves staff
through an event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.aftersales import Case, CaseKind, CaseMessage, CasePriority, CaseStatus
from services.events import outbox
from services.events.ids import global_id
from services.events.types import EventTypeName

T = EventTypeName
_RESOLVED = frozenset({CaseStatus.SOLVED, CaseStatus.RESOLVED})


def case_ref(case: Case) -> dict[str, Any]:
    """The fields every case event starts with."""
    return {
        "caseId": global_id("Case", case.id),
        "number": case.number,
        "kind": CaseKind(case.kind).name,
        "status": CaseStatus(case.status).name,
        "priority": CasePriority(case.priority).name,
        "customerId": global_id("User", case.customer_id),
        "orderId": global_id("Order", case.order_id) if case.order_id else None,
    }


async def emit(type: EventTypeName, case: Case, **extra: Any) -> str:
    return await outbox.emit(type, aggregate_id=case.id, payload=case_ref(case) | extra)


async def opened(case: Case) -> None:
    await emit(T.CASE_CREATED, case, reason=case.reason.upper())


async def status_changed(case: Case, previous: CaseStatus, data: dict[str, Any]) -> None:
    await emit(T.CASE_STATUS_CHANGED, case, previousStatus=previous.name, data=data)
    if case.status in _RESOLVED:
        await emit(T.CASE_RESOLVED, case)
    elif case.status == CaseStatus.CLOSED:
        await emit(T.CASE_CLOSED, case)


async def message_added(case: Case, message: CaseMessage) -> None:
    await emit(
        T.CASE_MESSAGE_ADDED,
        case,
        messageId=global_id("CaseMessage", message.id),
        author=message.author.upper(),
        internal=message.internal,
    )


async def sla_warning(case: Case, target: str, due: datetime) -> None:
    await emit(T.CASE_SLA_WARNING, case, target=target, dueAt=due.isoformat())


async def sla_breached(case: Case, target: str, due: datetime) -> None:
    await emit(T.CASE_SLA_BREACHED, case, target=target, dueAt=due.isoformat())


async def satisfaction_rated(case: Case, rating: int, reopened: bool) -> None:
    await emit(T.CASE_SATISFACTION_RATED, case, rating=rating, reopened=reopened)


async def survey_offered(case: Case, opens_at: datetime, closes_at: datetime) -> None:
    await emit(
        T.CASE_SURVEY_OFFERED, case, opensAt=opens_at.isoformat(), closesAt=closes_at.isoformat()
    )
