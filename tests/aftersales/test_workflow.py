"""The case state machine: every allowed move, every refused one, and the timeline."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from models.accounts import Permission
from models.aftersales import (
    Case,
    CaseKind,
    CaseReason,
    CaseStatus,
    CaseTimelineEntry,
    DeclineReason,
)
from services import clock
from services.aftersales import cases, closing, staff, workflow
from services.errors import DomainError
from services.events import actors
from services.transactions import transaction
from tests.factories import create_user

pytestmark = pytest.mark.usefixtures("database")
S = CaseStatus
K = CaseKind

GOODS_ALLOWED = {
    (S.REQUESTED, S.APPROVED),
    (S.REQUESTED, S.DECLINED),
    (S.APPROVED, S.AWAITING_ITEMS),
    (S.AWAITING_ITEMS, S.RECEIVED),
    (S.REFUNDED, S.RESOLVED),
    (S.EXCHANGED, S.RESOLVED),
    (S.REPAIRED, S.RESOLVED),
    (S.RESOLVED, S.CLOSED),
    (S.DECLINED, S.CLOSED),
}
SUPPORT_ALLOWED = {
    (S.NEW, S.OPEN),
    (S.NEW, S.WAITING_ON_CUSTOMER),
    (S.NEW, S.SOLVED),
    (S.OPEN, S.WAITING_ON_CUSTOMER),
    (S.OPEN, S.SOLVED),
    (S.WAITING_ON_CUSTOMER, S.OPEN),
    (S.WAITING_ON_CUSTOMER, S.SOLVED),
    (S.SOLVED, S.OPEN),
    (S.SOLVED, S.CLOSED),
}


@pytest.mark.parametrize("kind", list(CaseKind))
def test_every_pair_of_statuses_is_allowed_or_refused_as_the_workflow_says(kind: K) -> None:
    goods = kind in workflow.GOODS_KINDS
    expected = set(GOODS_ALLOWED if goods else SUPPORT_ALLOWED)
    if goods:
        expected.add((S.RECEIVED, workflow.OUTCOME[kind]))
    if kind == K.EXCHANGE:
        # Its replacement order was cancelled unpaid: staff place another.
        expected.add((S.EXCHANGED, S.RECEIVED))
    for current, target in itertools.product(CaseStatus, CaseStatus):
        assert workflow.allowed(kind, current, target) == ((current, target) in expected), (
            kind,
            current,
            target,
        )


async def _complaint(customer_id: int) -> Case:
    return await cases.open_case(
        customer_id=customer_id, kind=K.COMPLAINT, reason=CaseReason.OTHER, reason_note="noise"
    )


async def test_refused_move_changes_nothing_and_names_the_statuses() -> None:
    user = await create_user()
    case = await _complaint(user.id)
    with pytest.raises(DomainError) as refused:
        await staff.close(case_id=case.id)  # NEW -> CLOSED is not a move
    assert refused.value.code == "TRANSITION_NOT_ALLOWED"
    assert "new to closed" in refused.value.message
    assert (await Case.get(id=case.id)).status == S.NEW


async def test_complaint_goes_through_its_workflow_with_a_timeline_naming_actors() -> None:
    user, agent = await create_user(), await create_user(permissions=[Permission.MANAGE_TICKETS])
    with actors.acting_as(actors.customer(user.id)):
        case = await _complaint(user.id)
    with actors.acting_as(actors.staff(agent.id)):
        await cases.staff_message(
            case_id=case.id, staff_id=agent.id, body="Which toy?", wait_on_customer=True
        )
    assert (await Case.get(id=case.id)).status == S.WAITING_ON_CUSTOMER
    with actors.acting_as(actors.customer(user.id)):
        await cases.customer_reply(case_id=case.id, customer_id=user.id, body="The red car")
    assert (await Case.get(id=case.id)).status == S.OPEN
    with actors.acting_as(actors.staff(agent.id)):
        await staff.resolve(case_id=case.id)
    entries = await CaseTimelineEntry.filter(case_id=case.id).order_by("id")
    assert [(e.from_status, e.to_status, e.actor) for e in entries] == [
        (None, "new", f"customer:{user.id}"),
        ("new", "waiting_on_customer", f"staff:{agent.id}"),
        ("waiting_on_customer", "open", f"customer:{user.id}"),
        ("open", "solved", f"staff:{agent.id}"),
    ]


async def test_customer_reply_reopens_a_solved_case_but_not_a_closed_one() -> None:
    user = await create_user()
    case = await _complaint(user.id)
    await staff.resolve(case_id=case.id)
    await cases.customer_reply(case_id=case.id, customer_id=user.id, body="Still broken")
    reopened = await Case.get(id=case.id)
    assert (reopened.status, reopened.solved_at) == (S.OPEN, None)
    await staff.resolve(case_id=case.id)
    await staff.close(case_id=case.id)
    with pytest.raises(DomainError) as refused:
        await cases.customer_reply(case_id=case.id, customer_id=user.id, body="Hello?")
    assert refused.value.code == "TRANSITION_NOT_ALLOWED"


async def test_solved_cases_close_after_the_configured_days_only() -> None:
    user = await create_user()
    old, fresh = await _complaint(user.id), await _complaint(user.id)
    await staff.resolve(case_id=old.id)
    await staff.resolve(case_id=fresh.id)
    solved = (await Case.get(id=old.id)).solved_at
    assert solved is not None
    await Case.filter(id=old.id).update(solved_at=solved - timedelta(days=4, minutes=1))
    await closing.close_solved(days=4)
    assert (await Case.get(id=old.id)).status == S.CLOSED
    assert (await Case.get(id=fresh.id)).status == S.SOLVED


async def test_decline_other_needs_a_note_and_a_case_rates_once_after_solved() -> None:
    user = await create_user()
    case = await _complaint(user.id)
    with pytest.raises(DomainError) as early:
        await closing.rate(case_id=case.id, customer_id=user.id, rating=5)
    assert early.value.code == "RATING_NOT_OPEN"
    await staff.resolve(case_id=case.id)
    # The survey opens a day after the case was solved.
    await Case.filter(id=case.id).update(solved_at=clock.now() - timedelta(hours=25))
    with pytest.raises(DomainError) as stranger:
        await closing.rate(case_id=case.id, customer_id=user.id + 10_000, rating=5)
    assert stranger.value.code == "CASE_NOT_FOUND"
    rated = await closing.rate(case_id=case.id, customer_id=user.id, rating=4, comment="Quick")
    assert rated.rating == 4
    with pytest.raises(DomainError) as again:
        await closing.rate(case_id=case.id, customer_id=user.id, rating=1)
    assert again.value.code == "ALREADY_RATED"
    assert (await Case.get(id=case.id)).rating == 4
    with pytest.raises(DomainError) as note:
        await staff.decline(case_id=case.id, reason=DeclineReason.OTHER)
    assert note.value.code == "NOTE_REQUIRED"


@pytest.mark.parametrize("kind", list(CaseKind))
async def test_every_move_of_a_stored_case_succeeds_or_is_refused_as_allowed(kind: K) -> None:
    # Given a stored case of `kind` put in each status in turn
    user = await create_user()
    case = await cases.open_case(
        customer_id=user.id, kind=K.COMPLAINT, reason=CaseReason.OTHER, reason_note="x"
    )
    await Case.filter(id=case.id).update(kind=kind)
    for current, target in itertools.product(CaseStatus, CaseStatus):
        await Case.filter(id=case.id).update(status=current)
        row = await Case.get(id=case.id)
        # When it is moved to every status through the one gate
        try:
            async with transaction():
                await workflow.move(row, target)
            moved = True
        except DomainError as refused:
            assert refused.code == "TRANSITION_NOT_ALLOWED"
            moved = False
        # Then exactly the allowed moves happen, and a refused one changes nothing
        assert moved == workflow.allowed(kind, current, target), (kind, current, target)
        stored = (await Case.get(id=case.id)).status
        assert stored == (target if moved else current), (kind, current, target)
    entries = await CaseTimelineEntry.filter(case_id=case.id, kind="status").count()
    goods = kind in workflow.GOODS_KINDS
    expected = len(GOODS_ALLOWED) + 1 if goods else len(SUPPORT_ALLOWED)
    expected += 1 if kind == K.EXCHANGE else 0  # exchanged -> received
    assert entries == expected
