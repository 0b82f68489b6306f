"""A member moved up to a tier with a stronger after-sales priority perk: their open cases
are raised to what the perk gives a new case, through the one priority change (the running
SLA targets re-counted under the new policy, keeping the time used). Never lowered: a
downgrade, or staff having raised a case further, leaves it as it is."""

from __future__ import annotations

from models.aftersales import Case, CasePriority, CaseReason
from services import membership
from services.aftersales import sla, staff
from services.events import actors
from services.events.ids import pk_of
from services.events.records import EventRecord


def _perk_priority(reason: CaseReason, boost: int) -> CasePriority:
    base = CasePriority.HIGH if reason == CaseReason.SAFETY_CONCERN else CasePriority.NORMAL
    return sla.raised(base, boost)


async def after_tier_changed(record: EventRecord) -> None:
    """Raise the member's running cases to the new tier's perk; idempotent (a replay finds
    them raised already)."""
    if record.payload.get("direction") != "up":
        return
    user_id = pk_of(record.payload.get("customerId"))
    if user_id is None:
        return
    boost = (await membership.perks_for(user_id)).aftersales_priority
    if boost <= 0:
        return
    rows = await Case.filter(customer_id=user_id, closed_at__isnull=True).exclude(
        status__in=list(sla.STOPPED)
    )
    with actors.acting_as(actors.SYSTEM):
        for case in rows:
            wanted = _perk_priority(CaseReason(case.reason), boost)
            if sla.ORDER.index(wanted) > sla.ORDER.index(CasePriority(case.priority)):
                await staff.set_priority(case_id=case.id, priority=wanted)
