"""After a case is solved: the survey offered when its window opens, the satisfaction
rating, and closing it N days later."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from models.aftersales import Case, CaseStatus
from services import clock
from services.aftersales import alerts, emission, policy, workflow
from services.aftersales.cases import check_text, locked_case
from services.aftersales.errors import AftersalesErrorCode, error
from services.errors import DomainError
from services.transactions import transaction

C = AftersalesErrorCode
SWEEP_SECONDS = 300
logger = logging.getLogger("shopgraph.aftersales")


async def rate(
    *,
    case_id: int,
    customer_id: int,
    rating: int,
    comment: str = "",
    terms: policy.Policy | None = None,
) -> Case:
    """The customer's answer to the satisfaction survey: 1-5 and a comment, once per case,
    while the survey is open (a delay after solving, for a window). A low rating reopens a
    solved case when the shop wants that (SHOPGRAPH_SURVEY_REOPEN_AT_OR_BELOW)."""
    terms = terms or policy.from_environment()
    if not 1 <= rating <= 5:
        raise error(C.RATING_INVALID, "Rate from 1 to 5.", field="rating")
    check_text(comment, 2000, "comment")
    async with transaction():
        case = await locked_case(case_id)
        if case.customer_id != customer_id:
            raise error(C.CASE_NOT_FOUND, "No such case.", field="caseId")
        now = clock.now()
        window = policy.survey_window(case.solved_at, terms)
        declined = case.status == CaseStatus.DECLINED or case.decline_reason is not None
        if window is None or declined or now < window.opens_at:
            raise error(
                C.RATING_NOT_OPEN,
                "The survey opens a day after the case is solved.",
                field="caseId",
            )
        if case.rating is None and now > window.closes_at:
            raise error(C.RATING_CLOSED, "This survey has closed.", field="caseId")
        done = await Case.filter(id=case.id, rating__isnull=True).update(
            rating=rating, rating_comment=comment, rated_at=now
        )
        if not done:
            raise error(C.ALREADY_RATED, "This case was rated already.", field="caseId")
        case.rating, case.rating_comment, case.rated_at = rating, comment, now
        await workflow.record(case, "rated", data={"rating": rating})
        low = rating <= terms.survey_reopen_at_or_below
        reopen = low and case.status == CaseStatus.SOLVED
        await emission.satisfaction_rated(case, rating, reopen)
        if reopen:
            await workflow.move(case, CaseStatus.OPEN, data={"by": "low rating"})
    return case


# Solved, resolved or closed after that, not declined: the cases a survey is offered on.
SURVEYED = (CaseStatus.SOLVED, CaseStatus.RESOLVED, CaseStatus.CLOSED)


async def offer_surveys(*, now: datetime | None = None, terms: policy.Policy | None = None) -> int:
    """Emit case.survey_offered for each case whose survey window opened by `now` and is
    still open, once per case (a case solved again after a reopening is not asked twice)."""
    now = now or clock.now()
    terms = terms or policy.from_environment()
    delay = timedelta(hours=terms.survey_delay_hours)
    window = timedelta(days=terms.survey_window_days)
    rows = await Case.filter(
        status__in=SURVEYED,
        survey_offered_at__isnull=True,
        rating__isnull=True,
        decline_reason__isnull=True,
        solved_at__lte=now - delay,
        solved_at__gt=now - delay - window,
    ).values_list("id", flat=True)
    offered = 0
    for case_id in rows:
        async with transaction():
            case = await locked_case(int(case_id))  # type: ignore[call-overload]
            opened = policy.survey_window(case.solved_at, terms)
            # Reopened, rated or offered meanwhile: nothing to offer now.
            if (
                opened is None
                or case.status not in SURVEYED
                or case.survey_offered_at is not None
                or case.rating is not None
                or not opened.opens_at <= now <= opened.closes_at
            ):
                continue
            await Case.filter(id=case.id).update(survey_offered_at=now)
            case.survey_offered_at = now
            await workflow.record(case, "survey_offered", data={"closesAt": str(opened.closes_at)})
            await emission.survey_offered(case, opened.opens_at, opened.closes_at)
            offered += 1
    return offered


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
    """The worker job: SLA alerts, survey offers and automatic closing, every few minutes."""
    while True:
        try:
            await alerts.sweep()
            await offer_surveys()
            await close_solved()
        except Exception:  # a failed round must not stop the next one
            logger.exception("after-sales sweep failed")
        await asyncio.sleep(interval)
