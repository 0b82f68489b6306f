"""The satisfaction survey: offered a delay after solving (case.survey_offered, once per
case, from the sweep), open for a window, rated once per case, and a low rating reopening a
solved case when the shop wants that."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models.accounts import ApiScope
from models.aftersales import Case, CaseKind, CaseReason, CaseStatus, DeclineReason
from models.events import DomainEvent
from resolvers.aftersales import streams
from services import clock
from services.aftersales import Policy, cases, closing, staff
from services.errors import DomainError
from services.events.types import SPECS, EventTypeName
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


async def _offers(case: Case) -> list[DomainEvent]:
    return list(
        await DomainEvent.filter(
            aggregate_type="case", aggregate_id=str(case.id), type="case.survey_offered"
        )
    )


async def test_survey_offered_once_when_its_window_opens(at: list[datetime]) -> None:
    user, agent = await create_user(), await create_user()
    case, reopened = await _solved(user.id), await _solved(user.id)
    declined = await case_opening.open_case(
        customer_id=user.id, kind=CaseKind.INQUIRY, reason=CaseReason.OTHER, reason_note="?"
    )
    await Case.filter(id=declined.id).update(kind=CaseKind.RETURN, status=CaseStatus.REQUESTED)
    await staff.decline(case_id=declined.id, reason=DeclineReason.FINAL_SALE)
    await staff.close(case_id=declined.id)
    # Not before the delay; a case reopened by the customer meanwhile is not solved.
    at[0] = SOLVED + timedelta(hours=23)
    await closing.offer_surveys()
    assert await _offers(case) == []
    await cases.customer_reply(case_id=reopened.id, customer_id=user.id, body="still broken")
    at[0] = SOLVED + timedelta(hours=24)
    await closing.offer_surveys()
    await closing.offer_surveys()  # a second sweep offers nothing more
    [offer] = await _offers(case)
    assert offer.payload["opensAt"] == (SOLVED + timedelta(hours=24)).isoformat()
    assert offer.payload["closesAt"] == (SOLVED + timedelta(days=29)).isoformat()
    assert offer.payload["customerId"] and offer.actor == "system"
    assert (await Case.get(id=case.id)).survey_offered_at == at[0]
    assert await _offers(reopened) == [] and await _offers(declined) == []
    # Solved again later, then reopened and solved once more: offered once, not twice.
    await staff.resolve(case_id=reopened.id)
    at[0] = SOLVED + timedelta(days=2, hours=1)
    await closing.offer_surveys()
    assert len(await _offers(reopened)) == 1
    await cases.customer_reply(case_id=reopened.id, customer_id=user.id, body="again")
    await cases.staff_message(case_id=reopened.id, staff_id=agent.id, body="sorry")
    await staff.resolve(case_id=reopened.id)
    at[0] = SOLVED + timedelta(days=4)
    await closing.offer_surveys()
    assert len(await _offers(reopened)) == 1
    # Customers' case subscriptions and TICKETS webhooks carry it like the other case events.
    assert "case.survey_offered" in streams.CUSTOMER_TYPES
    assert SPECS[EventTypeName.CASE_SURVEY_OFFERED].scope == ApiScope.READ_TICKETS


async def test_no_offer_for_a_window_already_closed_or_a_rated_case(at: list[datetime]) -> None:
    user = await create_user()
    old, rated = await _solved(user.id), await _solved(user.id)
    at[0] = SOLVED + timedelta(days=2)
    await closing.rate(case_id=rated.id, customer_id=user.id, rating=5)
    await Case.filter(id=old.id).update(solved_at=SOLVED - timedelta(days=40))
    await closing.offer_surveys()
    assert await _offers(old) == [] and await _offers(rated) == []
