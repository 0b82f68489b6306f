"""After a case is solved: the satisfaction rating, and closing it N days later."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from models.aftersales import Case, CaseStatus
from services import clock
from services.aftersales import alerts, policy, workflow
from services.aftersales.cases import check_text, locked_case
from services.aftersales.errors import AftersalesErrorCode, error
from services.errors import DomainError
from services.transactions import transaction

C = AftersalesErrorCode
SWEEP_SECONDS = 300
logger = logging.getLogger("shopgraph.aftersales")


async def rate(*, case_id: int, customer_id: int, rating: int, comment: str = "") -> Case:
    """The customer's 1-5 rating of a solved or resolved case, once."""
    if not 1 <= rating <= 5:
        raise error(C.RATING_INVALID, "Rate from 1 to 5.", field="rating")
    check_text(comment, 2000, "comment")
    async with transaction():
        case = await locked_case(case_id)
        if case.customer_id != customer_id:
            raise error(C.CASE_NOT_FOUND, "No such case.", field="caseId")
        if case.solved_at is None or case.status == CaseStatus.DECLINED:
            raise error(C.RATING_NOT_OPEN, "Rate the case once it is solved.", field="caseId")
        now = clock.now()
        done = await Case.filter(id=case.id, rating__isnull=True).update(
            rating=rating, rating_comment=comment, rated_at=now
        )
        if not done:
            raise error(C.ALREADY_RATED, "This case was rated already.", field="caseId")
        case.rating, case.rating_comment, case.rated_at = rating, comment, now
        await workflow.record(case, "rated", data={"rating": rating})
    return case


async def close_solved(*, now: datetime | None = None, days: int | None = None) -> int:
    """Close cases solved or resolved more than `days` ago (default from the policy)."""
    now = now or clock.now()
    days = policy.from_environment().autoclose_days if days is None else days
    rows = await Case.filter(
        status__in=[CaseStatus.SOLVED, CaseStatus.RESOLVED, CaseStatus.DECLINED],
        solved_at__lte=now - timedelta(days=days),
    ).values("id")
    closed = 0
    for case_id in (row["id"] for row in rows):
        try:
            async with transaction():
                case = await locked_case(int(case_id))
                # A reply may have reopened it since the list was read.
                if case.solved_at is None or case.solved_at > now - timedelta(days=days):
                    continue
                await workflow.move(case, CaseStatus.CLOSED, data={"by": "auto-close"})
                closed += 1
        except DomainError:
            continue
    return closed


async def run_forever(interval: float = SWEEP_SECONDS) -> None:
    """The worker job: SLA breaches and automatic closing, every few minutes."""
    while True:
        try:
            await alerts.sweep()
            await close_solved()
        except Exception:  # a failed round must not stop the next one
            logger.exception("after-sales sweep failed")
        await asyncio.sleep(interval)
