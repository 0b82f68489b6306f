"""SLA clocks: targets per priority, the member perk, pauses while waiting, breaches once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.aftersales import Case, CaseKind, CasePriority, CaseReason
from models.events import DomainEvent
from models.membership import MemberAccount, Tier
from services import clock
from services.aftersales import cases, sla
from services.flows import case_opening
from tests.factories import create_user, unique

pytestmark = pytest.mark.usefixtures("database")


async def _inquiry(customer_id: int) -> Case:
    return await case_opening.open_case(
        customer_id=customer_id, kind=CaseKind.INQUIRY, reason=CaseReason.OTHER, reason_note="?"
    )


async def test_targets_follow_priority_and_the_members_priority_perk() -> None:
    plain = await _inquiry((await create_user()).id)
    assert plain.priority == CasePriority.NORMAL
    assert plain.first_response_due is not None and plain.resolution_due is not None
    assert plain.first_response_due - plain.created_at == pytest.approx(
        timedelta(hours=24), abs=timedelta(seconds=5)
    )
    member = await create_user()
    tier = await Tier.create(
        code=unique("gold")[:32], name="Gold", rank=900 + member.id, aftersales_priority=2
    )
    await MemberAccount.create(user=member, tier=tier)
    served_first = await _inquiry(member.id)
    assert served_first.priority == CasePriority.URGENT
    assert served_first.first_response_due is not None
    assert served_first.first_response_due - served_first.created_at < timedelta(hours=3)


async def test_waiting_on_customer_pauses_the_clocks() -> None:
    user, agent = await create_user(), await create_user()
    case = await _inquiry(user.id)
    await cases.staff_message(
        case_id=case.id, staff_id=agent.id, body="Photo?", wait_on_customer=True
    )
    waiting = await Case.get(id=case.id)
    assert waiting.waiting_since is not None and waiting.first_responded_at is not None
    # Two days pass while the customer looks for the photo.
    await Case.filter(id=case.id).update(waiting_since=waiting.waiting_since - timedelta(days=2))
    due_before = waiting.resolution_due
    assert due_before is not None
    await cases.customer_reply(case_id=case.id, customer_id=user.id, body="Here")
    back = await Case.get(id=case.id)
    assert back.waiting_since is None
    assert back.resolution_due is not None
    assert back.resolution_due - due_before == pytest.approx(
        timedelta(days=2), abs=timedelta(seconds=5)
    )


async def test_breach_is_flagged_once_with_an_event_and_not_while_waiting() -> None:
    user = await create_user()
    late, waiting = await _inquiry(user.id), await _inquiry(user.id)
    past = clock.now() - timedelta(minutes=1)
    await Case.filter(id__in=[late.id, waiting.id]).update(first_response_due=past)
    await Case.filter(id=waiting.id).update(waiting_since=clock.now())
    await sla.sweep()
    await sla.sweep()
    assert (await Case.get(id=late.id)).breached_at is not None
    assert (await Case.get(id=waiting.id)).breached_at is None
    events = await DomainEvent.filter(
        aggregate_type="case", aggregate_id=str(late.id), type="case.sla_breached"
    )
    assert len(events) == 1
    assert events[0].payload["target"] == "first_response"
