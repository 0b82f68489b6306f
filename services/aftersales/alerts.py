"""The SLA sweep: a warning when a running target falls due within the warning time, a
breach when it passed; each once per target (a new next-reply target may warn again)."""

from __future__ import annotations

from datetime import datetime

from models.aftersales import Case
from services import clock
from services.aftersales import emission, sla
from services.transactions import transaction

BATCH = 500


async def sweep(*, now: datetime | None = None) -> int:
    """Announce the warnings and breaches due by `now`; returns how many were announced."""
    now = now or clock.now()
    await _backfill()
    ids = await Case.filter(next_alert_at__lte=now).order_by("next_alert_at").limit(BATCH)
    announced = 0
    for candidate in ids:
        async with transaction():
            # Under the row lock: a concurrent sweep or a reply meanwhile wins.
            case = await Case.filter(id=candidate.id).select_for_update().first()
            if case is None or not sla.is_running(case):
                continue
            announced += await _announce(case, now)
    return announced


async def _announce(case: Case, now: datetime) -> int:
    warning = sla.warning_time()
    alerts = list(case.sla_alerts or [])
    changes: dict[str, object] = {}
    count = 0
    for name, due in sla.running(case).items():
        if due <= now and f"{name}:breached" not in alerts:
            alerts += [f"{name}:warning", f"{name}:breached"]
            changes.setdefault("breached_at", case.breached_at or now)
            await emission.sla_breached(case, name, due)
            count += 1
        elif due - warning <= now and f"{name}:warning" not in alerts:
            alerts.append(f"{name}:warning")
            await emission.sla_warning(case, name, due)
            count += 1
    case.sla_alerts = sorted(set(alerts))
    for key, value in changes.items():
        setattr(case, key, value)
    values = {"sla_alerts": case.sla_alerts, **changes, **sla.derived(case, warning)}
    await Case.filter(id=case.id).update(**values)
    return count


async def _backfill() -> None:
    """Cases opened before the queue order and alert times existed get them (a running case
    always has a due time, so these are only such older rows)."""
    rows = await Case.filter(
        next_due_at__isnull=True,
        waiting_since__isnull=True,
        resolution_due__isnull=False,
        status__not_in=list(sla.STOPPED),
    ).limit(BATCH)
    for case in rows:
        await Case.filter(id=case.id, next_due_at__isnull=True).update(**sla.derived(case))
