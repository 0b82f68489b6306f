"""The satisfaction survey: offered a delay after solving, open for a window, once per
case, and a low rating reopening a solved case when the shop wants that."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models.aftersales import Case, CaseKind, CaseReason, CaseStatus
from models.events import DomainEvent
from services import clock
from services.aftersales import Policy, closing, staff
from services.errors import DomainError
from services.flows import case_opening
from tests.factories import create_user

pytestmark = pytest.mark.usefixtures("database")
SOLVED = datetime(2026, 12, 7, 12, tzinfo=UTC)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    moment = [SOLVED]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return moment


async def _solved(customer_id: int) -> Case:
    case = await case_opening.open_case(
        customer_id=customer_id, kind=CaseKind.COMPLAINT, reason=CaseReason.DEFECTIVE
    )
    return await staff.resolve(case_id=case.id)


async def _code(call: object) -> str:
    with pytest.raises(DomainError) as refused:
        await call  # type: ignore[misc]
    return refused.value.code


async def test_survey_opens_after_the_delay_and_closes_after_the_window(at: list[datetime]) -> None:
    user = await create_user()
    case, late = await _solved(user.id), await _solved(user.id)
    assert case.solved_at == SOLVED
    at[0] = SOLVED + timedelta(hours=23, minutes=59)
    assert await _code(closing.rate(case_id=case.id, customer_id=user.id, rating=5)) == (
        "RATING_NOT_OPEN"
    )
    # Closed automatically after 4 days: the survey stays open on the closed case.
    at[0] = SOLVED + timedelta(days=5)
    await closing.close_solved(days=4)
    assert (await Case.get(id=case.id)).status == CaseStatus.CLOSED
    at[0] = SOLVED + timedelta(days=29)  # 24 h + 28 days is the last moment
    rated = await closing.rate(case_id=case.id, customer_id=user.id, rating=4, comment="ok")
    assert (rated.rating, rated.rating_comment) == (4, "ok")
    at[0] = SOLVED + timedelta(days=29, seconds=1)
    assert await _code(closing.rate(case_id=late.id, customer_id=user.id, rating=5)) == (
        "RATING_CLOSED"
    )
    # A shop with a shorter delay and window.
    terms = Policy(survey_delay_hours=1, survey_window_days=1)
    quick = await _solved(user.id)
    at[0] = at[0] + timedelta(hours=2)
    assert (
        await closing.rate(case_id=quick.id, customer_id=user.id, rating=3, terms=terms)
    ).rating == 3


async def test_rated_once_with_an_event_and_input_checked(at: list[datetime]) -> None:
    user = await create_user()
    case = await _solved(user.id)
    at[0] = SOLVED + timedelta(days=2)
    assert await _code(closing.rate(case_id=case.id, customer_id=user.id, rating=0)) == (
        "RATING_INVALID"
    )
    assert await _code(closing.rate(case_id=case.id, customer_id=user.id, rating=6)) == (
        "RATING_INVALID"
    )
    assert await _code(
        closing.rate(case_id=case.id, customer_id=user.id, rating=5, comment="x" * 2001)
    ) == ("TOO_LONG")
    other = await create_user()
    assert await _code(closing.rate(case_id=case.id, customer_id=other.id, rating=5)) == (
        "CASE_NOT_FOUND"
    )
    await closing.rate(case_id=case.id, customer_id=user.id, rating=2)
    assert await _code(closing.rate(case_id=case.id, customer_id=user.id, rating=5)) == (
        "ALREADY_RATED"
    )
    events = await DomainEvent.filter(
        aggregate_type="case", aggregate_id=str(case.id), type="case.satisfaction_rated"
    )
    assert [(e.payload["rating"], e.payload["reopened"]) for e in events] == [(2, False)]
    # Without the setting a low rating reopens nothing.
    assert (await Case.get(id=case.id)).status == CaseStatus.SOLVED


async def test_low_rating_reopens_a_solved_case_when_the_shop_wants(at: list[datetime]) -> None:
    user = await create_user()
    terms = Policy(survey_reopen_at_or_below=2)
    low, fine = await _solved(user.id), await _solved(user.id)
    at[0] = SOLVED + timedelta(days=2)
    await closing.rate(case_id=low.id, customer_id=user.id, rating=1, terms=terms)
    await closing.rate(case_id=fine.id, customer_id=user.id, rating=3, terms=terms)
    reopened = await Case.get(id=low.id)
    assert reopened.status == CaseStatus.OPEN and reopened.solved_at is None
    assert reopened.rating == 1
    assert reopened.next_due_at is not None  # the clocks run again
    assert (await Case.get(id=fine.id)).status == CaseStatus.SOLVED
    event = await DomainEvent.get(
        aggregate_type="case", aggregate_id=str(low.id), type="case.satisfaction_rated"
    )
    assert event.payload["reopened"] is True
