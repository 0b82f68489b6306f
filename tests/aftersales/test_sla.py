"""SLA clocks: targets per kind and priority in business or calendar hours, the member perk,
pauses while waiting on the customer, next-reply targets, warnings and breaches once each,
and the staff queue ordered by what falls due first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from models.aftersales import Case, CaseKind, CasePriority, CaseReason, CaseStatus
from models.events import DomainEvent
from models.membership import MemberAccount, Tier
from services import clock
from services.aftersales import alerts, cases, reads, sla, staff
from services.flows import case_opening
from tests.factories import create_user, unique

pytestmark = pytest.mark.usefixtures("database")


class Clock:
    """services.clock.now under the test's control."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: datetime) -> None:
        self.at = start
        monkeypatch.setattr(clock, "now", lambda: self.at)

    def set(self, *parts: int) -> datetime:
        self.at = datetime(*parts, tzinfo=UTC)  # type: ignore[misc]
        return self.at


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    monkeypatch.setenv("SHOPGRAPH_SUPPORT_HOURS", "mon-fri 09:00-17:00")
    monkeypatch.setenv("SHOPGRAPH_SUPPORT_TIMEZONE", "UTC")
    monkeypatch.setenv("SHOPGRAPH_SUPPORT_HOLIDAYS", "2026-12-25")
    monkeypatch.delenv("SHOPGRAPH_SLA_POLICIES", raising=False)
    monkeypatch.setenv("SHOPGRAPH_SLA_WARNING_MINUTES", "60")
    yield Clock(monkeypatch, datetime(2026, 12, 7, 10, tzinfo=UTC))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


async def _inquiry(customer_id: int, reason: CaseReason = CaseReason.OTHER) -> Case:
    return await case_opening.open_case(
        customer_id=customer_id, kind=CaseKind.INQUIRY, reason=reason, reason_note="?"
    )


async def _events(case: Case, type: str) -> list[DomainEvent]:
    return list(
        await DomainEvent.filter(aggregate_type="case", aggregate_id=str(case.id), type=type)
    )


async def test_targets_in_business_hours_and_urgent_round_the_clock(desk: Clock) -> None:
    desk.set(2026, 12, 11, 15)  # Friday 15:00
    plain = await _inquiry((await create_user()).id)
    assert plain.priority == CasePriority.NORMAL
    # 8 business hours: 2 on Friday, 6 on Monday; 40: a working week later.
    assert plain.first_response_due == utc(2026, 12, 14, 15)
    assert plain.resolution_due == utc(2026, 12, 18, 15)
    assert plain.next_due_at == plain.first_response_due
    # A safety concern is HIGH (4 business hours); a member's perk raises it to URGENT,
    # which runs in calendar hours: due in one hour on a Friday evening too.
    safety = await _inquiry((await create_user()).id, CaseReason.SAFETY_CONCERN)
    assert safety.priority == CasePriority.HIGH
    assert safety.first_response_due == utc(2026, 12, 14, 11)
    member = await create_user()
    tier = await Tier.create(
        code=unique("gold")[:32], name="Gold", rank=900 + member.id, aftersales_priority=2
    )
    await MemberAccount.create(user=member, tier=tier)
    desk.set(2026, 12, 11, 22)
    urgent = await _inquiry(member.id)
    assert urgent.priority == CasePriority.URGENT
    assert urgent.first_response_due == utc(2026, 12, 11, 23)
    assert urgent.resolution_due == utc(2026, 12, 12, 22)


async def test_policies_per_kind_from_the_environment(
    desk: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "SHOPGRAPH_SLA_POLICIES",
        '{"COMPLAINT/*": {"firstReplyHours": 2, "nextReplyHours": 3, "resolutionHours": 10,'
        ' "businessHours": false}, "INQUIRY/NORMAL": {"firstReplyHours": 1,'
        ' "nextReplyHours": 1, "resolutionHours": 9}}',
    )
    desk.set(2026, 12, 11, 16)  # Friday 16:00
    user = await create_user()
    complaint = await case_opening.open_case(
        customer_id=user.id, kind=CaseKind.COMPLAINT, reason=CaseReason.LATE_DELIVERY
    )
    assert complaint.first_response_due == utc(2026, 12, 11, 18)
    assert complaint.resolution_due == utc(2026, 12, 12, 2)
    inquiry = await _inquiry(user.id)
    assert inquiry.first_response_due == utc(2026, 12, 11, 17)
    assert inquiry.resolution_due == utc(2026, 12, 14, 17)
    # The specific entry wins over the wildcard; unknown keys fall back to the defaults.
    targets = sla.policies_from_environment()
    assert sla.targets_for(CaseKind.INQUIRY, CasePriority.HIGH, targets).first_reply == (
        timedelta(hours=4)
    )
    monkeypatch.setenv("SHOPGRAPH_SLA_POLICIES", "{not json")
    assert sla.policies_from_environment() == sla.DEFAULT_POLICIES


async def test_waiting_on_the_customer_pauses_business_time(desk: Clock) -> None:
    user, agent = await create_user(), await create_user()
    desk.set(2026, 12, 7, 10)  # Monday 10:00
    case = await _inquiry(user.id)
    assert case.resolution_due == utc(2026, 12, 14, 10)
    desk.set(2026, 12, 7, 11)
    await cases.staff_message(
        case_id=case.id, staff_id=agent.id, body="Photo?", wait_on_customer=True
    )
    waiting = await Case.get(id=case.id)
    assert waiting.status == CaseStatus.WAITING_ON_CUSTOMER
    assert waiting.first_responded_at == utc(2026, 12, 7, 11)
    assert waiting.next_due_at is None and waiting.next_alert_at is None
    # The customer answers on Thursday 16:00: 39 business hours were left at Monday 11:00.
    desk.set(2026, 12, 10, 16)
    await cases.customer_reply(case_id=case.id, customer_id=user.id, body="Here")
    back = await Case.get(id=case.id)
    assert back.status == CaseStatus.OPEN and back.waiting_since is None
    assert back.resolution_due == utc(2026, 12, 17, 15)
    # Paused again on Friday 10:00 with 37 business hours left; the customer answers on
    # Wednesday 23 Dec 10:00, and Christmas Day is a holiday: Wednesday 30 Dec 15:00.
    desk.set(2026, 12, 11, 10)
    await cases.staff_message(case_id=case.id, staff_id=agent.id, body="?", wait_on_customer=True)
    desk.set(2026, 12, 23, 10)
    await cases.customer_reply(case_id=case.id, customer_id=user.id, body="again")
    again = await Case.get(id=case.id)
    assert again.resolution_due == utc(2026, 12, 30, 15)


async def test_next_reply_target_after_each_customer_message(desk: Clock) -> None:
    user, agent = await create_user(), await create_user()
    case = await _inquiry(user.id)
    # Before staff answered, the first-reply target covers customer messages.
    await cases.customer_reply(case_id=case.id, customer_id=user.id, body="Hello?")
    assert (await Case.get(id=case.id)).next_reply_due is None
    desk.set(2026, 12, 7, 11)
    await cases.staff_message(case_id=case.id, staff_id=agent.id, body="Hi")
    desk.set(2026, 12, 7, 15)
    await cases.customer_reply(case_id=case.id, customer_id=user.id, body="Still broken")
    owed = await Case.get(id=case.id)
    assert owed.next_reply_due == utc(2026, 12, 8, 15)
    # A second message does not move the target; an internal note does not answer it.
    desk.set(2026, 12, 7, 16)
    await cases.customer_reply(case_id=case.id, customer_id=user.id, body="Hello??")
    await cases.staff_message(case_id=case.id, staff_id=agent.id, body="note", internal=True)
    assert (await Case.get(id=case.id)).next_reply_due == utc(2026, 12, 8, 15)
    await cases.staff_message(case_id=case.id, staff_id=agent.id, body="On it")
    answered = await Case.get(id=case.id)
    assert answered.next_reply_due is None
    assert answered.next_due_at == answered.resolution_due


async def test_warning_then_breach_once_each_and_not_while_paused(desk: Clock) -> None:
    user, agent = await create_user(), await create_user()
    desk.set(2026, 12, 7, 9)
    late = await _inquiry(user.id)
    paused = await _inquiry(user.id)
    await cases.staff_message(case_id=paused.id, staff_id=agent.id, body="?", wait_on_customer=True)
    assert late.next_alert_at == utc(2026, 12, 7, 16)  # first reply due 17:00, warn at 16:00
    desk.set(2026, 12, 7, 15, 59)
    await alerts.sweep()
    assert await _events(late, "case.sla_warning") == []
    desk.set(2026, 12, 7, 16, 30)
    await alerts.sweep()
    await alerts.sweep()
    warned = await _events(late, "case.sla_warning")
    assert [e.payload["target"] for e in warned] == ["first_reply"]
    desk.set(2026, 12, 7, 17, 1)
    await alerts.sweep()
    desk.set(2026, 12, 8, 12)
    await alerts.sweep()
    breached = await _events(late, "case.sla_breached")
    assert [(e.payload["target"], e.payload["dueAt"]) for e in breached] == [
        ("first_reply", "2026-12-07T17:00:00+00:00")
    ]
    assert (await Case.get(id=late.id)).breached_at == utc(2026, 12, 7, 17, 1)
    assert (await Case.get(id=paused.id)).breached_at is None
    assert await _events(paused, "case.sla_breached") == []
    # A new next-reply target warns and breaches again, once.
    await cases.staff_message(case_id=late.id, staff_id=agent.id, body="Sorry")
    desk.set(2026, 12, 8, 13)
    await cases.customer_reply(case_id=late.id, customer_id=user.id, body="And?")
    desk.set(2026, 12, 9, 14)
    await alerts.sweep()
    await alerts.sweep()
    targets = [e.payload["target"] for e in await _events(late, "case.sla_breached")]
    assert targets == ["first_reply", "next_reply"]
    assert sla.breached(await Case.get(id=late.id), clock.now())


async def test_solving_stops_the_clock_and_reopening_resumes_it(desk: Clock) -> None:
    user = await create_user()
    desk.set(2026, 12, 7, 10)
    case = await _inquiry(user.id)
    desk.set(2026, 12, 7, 12)
    await staff.resolve(case_id=case.id)
    solved = await Case.get(id=case.id)
    assert solved.status == CaseStatus.SOLVED and solved.next_due_at is None
    # Two weeks later the customer writes: the 38 business hours left run from now.
    desk.set(2026, 12, 21, 9)
    await cases.customer_reply(case_id=case.id, customer_id=user.id, body="Broken again")
    reopened = await Case.get(id=case.id)
    assert reopened.status == CaseStatus.OPEN
    assert reopened.resolution_due == utc(2026, 12, 28, 15)


async def test_queue_puts_what_is_due_first_on_top(desk: Clock) -> None:
    user, agent = await create_user(), await create_user()
    tag = unique("queue")
    desk.set(2026, 12, 7, 10)
    normal = await _inquiry(user.id)
    desk.set(2026, 12, 7, 10, 30)
    safety = await _inquiry(user.id, CaseReason.SAFETY_CONCERN)  # due 14:30
    desk.set(2026, 12, 7, 11)
    later = await _inquiry(user.id)  # due Tuesday 11:00
    waiting = await _inquiry(user.id)
    await cases.staff_message(
        case_id=waiting.id, staff_id=agent.id, body="?", wait_on_customer=True
    )
    ids = [normal.id, safety.id, later.id, waiting.id]
    for case_id in ids:
        await staff.set_tags(case_id=case_id, tags=[tag])
    query = reads.case_query(reads.CaseFilter(), queue=True).filter(id__in=ids)
    rows, _ = await reads.list_cases(query=query, offset=0, limit=10)
    assert [r.id for r in rows] == [safety.id, normal.id, later.id, waiting.id]


async def test_cases_from_before_the_alert_times_are_picked_up(desk: Clock) -> None:
    user = await create_user()
    desk.set(2026, 12, 7, 9)
    old = await _inquiry(user.id)
    await Case.filter(id=old.id).update(next_due_at=None, next_alert_at=None)
    desk.set(2026, 12, 7, 18)
    await alerts.sweep()
    await alerts.sweep()
    assert (await Case.get(id=old.id)).next_due_at == utc(2026, 12, 7, 17)
    assert [e.payload["target"] for e in await _events(old, "case.sla_breached")] == ["first_reply"]
