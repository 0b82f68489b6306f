"""A new priority (staff, a support desk, or a member moving up to a tier with a stronger
priority perk) re-counts a case's running SLA targets under the new policy, keeping the time
already used; the queue order and the alerts follow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from strawberry import relay

from models.aftersales import Case, CasePriority, CaseTimelineEntry
from models.membership import MemberAccount, Tier
from services import clock
from services.aftersales import alerts, cases, hours, reads, staff
from services.events.records import EventRecord
from services.flows import case_priority
from tests.aftersales.test_sla import Clock, _events, _inquiry, desk, utc
from tests.factories import create_user, unique

pytestmark = pytest.mark.usefixtures("database")
__all__ = ["desk"]


async def _queue(ids: list[int]) -> list[int]:
    query = reads.case_query(reads.CaseFilter(), queue=True).filter(id__in=ids)
    rows, _ = await reads.list_cases(query=query, offset=0, limit=10)
    return [r.id for r in rows]


async def test_raising_priority_keeps_used_time_and_moves_up_the_queue(desk: Clock) -> None:
    user = await create_user()
    desk.set(2026, 12, 7, 10)  # Monday
    first = await _inquiry(user.id)  # NORMAL: first reply due Tuesday 10:00
    desk.set(2026, 12, 7, 11)
    second = await _inquiry(user.id)  # due Tuesday 11:00
    assert await _queue([first.id, second.id]) == [first.id, second.id]
    # At 12:00 one business hour of `second` is used: HIGH gives 4 - 1 = 3 more (15:00);
    # its resolution target 16 - 1 = 15 hours: 5 on Monday, 8 on Tuesday, 2 on Wednesday.
    desk.set(2026, 12, 7, 12)
    raised = await staff.set_priority(case_id=second.id, priority=CasePriority.HIGH)
    stored = await Case.get(id=second.id)
    assert stored.priority == CasePriority.HIGH == raised.priority
    assert stored.first_response_due == utc(2026, 12, 7, 15)
    assert stored.resolution_due == utc(2026, 12, 9, 11)
    assert stored.next_due_at == utc(2026, 12, 7, 15)
    assert stored.next_alert_at == utc(2026, 12, 7, 14)
    assert await _queue([first.id, second.id]) == [second.id, first.id]
    entry = await CaseTimelineEntry.get(case_id=second.id, kind="prioritised")
    assert entry.data["from"] == "NORMAL" and entry.data["priority"] == "HIGH"
    # Lowering it again gives the time back under the NORMAL policy: 8 - 1 hours from 12:00.
    await staff.set_priority(case_id=second.id, priority=CasePriority.NORMAL)
    assert (await Case.get(id=second.id)).first_response_due == utc(2026, 12, 8, 11)
    assert await _queue([first.id, second.id]) == [first.id, second.id]


async def test_a_shorter_target_already_used_up_falls_due_and_breaches(desk: Clock) -> None:
    user = await create_user()
    desk.set(2026, 12, 7, 10)
    case = await _inquiry(user.id)
    # Three business hours used; URGENT allows one (round the clock): due now.
    desk.set(2026, 12, 7, 13)
    await staff.set_priority(case_id=case.id, priority=CasePriority.URGENT)
    urgent = await Case.get(id=case.id)
    assert urgent.first_response_due == utc(2026, 12, 7, 13)
    # URGENT resolution is 24 calendar hours: 21 left from 13:00.
    assert urgent.resolution_due == utc(2026, 12, 8, 10)
    await alerts.sweep()
    breached = [e.payload["target"] for e in await _events(case, "case.sla_breached")]
    assert breached == ["first_reply"]
    # A missed target stays missed whatever the priority becomes.
    desk.set(2026, 12, 7, 14)
    await staff.set_priority(case_id=case.id, priority=CasePriority.LOW)
    low = await Case.get(id=case.id)
    assert low.first_response_due == utc(2026, 12, 7, 13)
    assert low.breached_at is not None


async def test_warning_given_before_the_change_is_given_again_for_the_new_time(
    desk: Clock,
) -> None:
    user = await create_user()
    desk.set(2026, 12, 7, 10)
    case = await _inquiry(user.id)  # first reply due Tuesday 10:00
    desk.set(2026, 12, 8, 9, 30)
    await alerts.sweep()
    assert len(await _events(case, "case.sla_warning")) == 1
    # 7.5 business hours used; LOW gives sixteen: 8.5 more, due Wednesday 10:00.
    await staff.set_priority(case_id=case.id, priority=CasePriority.LOW)
    low = await Case.get(id=case.id)
    assert low.first_response_due == utc(2026, 12, 9, 10)
    assert "first_reply:warning" not in low.sla_alerts
    desk.set(2026, 12, 9, 9, 15)
    await alerts.sweep()
    assert len(await _events(case, "case.sla_warning")) == 2


async def test_priority_changed_while_paused_counts_from_the_pause(desk: Clock) -> None:
    user, agent = await create_user(), await create_user()
    desk.set(2026, 12, 7, 10)
    case = await _inquiry(user.id)
    desk.set(2026, 12, 7, 12)
    await cases.staff_message(case_id=case.id, staff_id=agent.id, body="?", wait_on_customer=True)
    # Two business hours of the resolution target used before the pause; LOW allows 80.
    desk.set(2026, 12, 9, 15)
    await staff.set_priority(case_id=case.id, priority=CasePriority.LOW)
    paused = await Case.get(id=case.id)
    calendar = hours.from_environment()
    assert paused.resolution_due == calendar.add(utc(2026, 12, 7, 12), timedelta(hours=78))
    assert paused.next_due_at is None
    # When the customer answers, the 78 hours left run from then.
    desk.set(2026, 12, 10, 9)
    await cases.customer_reply(case_id=case.id, customer_id=user.id, body="here")
    back = await Case.get(id=case.id)
    assert back.resolution_due == calendar.add(utc(2026, 12, 10, 9), timedelta(hours=78))


def _tier_record(user_id: int, direction: str) -> EventRecord:
    return EventRecord(
        id=f"evt-tier-{user_id}-{direction}",
        type="tier.changed",
        aggregate_type="member",
        aggregate_id=str(user_id),
        sequence=1,
        version=1,
        actor="system",
        occurred_at=clock.now(),
        position=1,
        payload={"customerId": relay.to_base64("User", user_id), "direction": direction},
    )


async def test_moving_up_to_a_tier_with_the_perk_raises_open_cases(desk: Clock) -> None:
    member = await create_user()
    desk.set(2026, 12, 7, 10)
    case = await _inquiry(member.id)  # NORMAL, no tier yet
    kept = await _inquiry(member.id)
    await staff.set_priority(case_id=kept.id, priority=CasePriority.URGENT)
    done = await _inquiry(member.id)
    await staff.resolve(case_id=done.id)
    desk.set(2026, 12, 7, 12)
    tier = await Tier.create(
        code=unique("silver")[:32], name="Silver", rank=700 + member.id, aftersales_priority=1
    )
    await MemberAccount.create(user=member, tier=tier)
    # A downgrade event raises nothing; the upgrade raises the open case one step.
    await case_priority.after_tier_changed(_tier_record(member.id, "down"))
    assert (await Case.get(id=case.id)).priority == CasePriority.NORMAL
    await case_priority.after_tier_changed(_tier_record(member.id, "up"))
    await case_priority.after_tier_changed(_tier_record(member.id, "up"))  # a replay
    raised = await Case.get(id=case.id)
    # Two business hours used of HIGH's four: due at 14:00.
    assert raised.priority == CasePriority.HIGH
    assert raised.first_response_due == utc(2026, 12, 7, 14)
    assert await CaseTimelineEntry.filter(case_id=case.id, kind="prioritised").count() == 1
    # Staff's URGENT is not lowered; a solved case is left alone.
    assert (await Case.get(id=kept.id)).priority == CasePriority.URGENT
    assert (await Case.get(id=done.id)).priority == CasePriority.NORMAL
