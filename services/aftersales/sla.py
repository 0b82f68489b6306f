"""SLA clocks: first-reply, next-reply and resolution targets per kind and priority, in
business hours of the support calendar (services/aftersales/hours.py) or calendar hours.

The clocks stand still while the case waits on the customer (WAITING_ON_CUSTOMER, and a
return's AWAITING_ITEMS: the parcel is the customer's move) and while it is solved; when
they run again, each target keeps the open time it had left. `next_due_at` is the earliest
running target (the staff queue's order) and `next_alert_at` when the sweep
(services/aftersales/alerts.py) must look next. Priority comes from the case, raised by the
member's `aftersales_priority` perk when the case is opened; a later change of priority
(staff, a support desk) moves the running targets to the new policy (`reprioritised`).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models.aftersales import Case, CaseKind, CasePriority, CaseStatus
from services.aftersales import hours

ORDER = [CasePriority.LOW, CasePriority.NORMAL, CasePriority.HIGH, CasePriority.URGENT]
FIRST_REPLY, NEXT_REPLY, RESOLUTION = "first_reply", "next_reply", "resolution"
logger = logging.getLogger("shopgraph.aftersales")


@dataclass(frozen=True)
class Targets:
    first_reply: timedelta
    next_reply: timedelta
    resolution: timedelta
    business_hours: bool = True


def _h(value: float) -> timedelta:
    return timedelta(hours=value)


# Keys "kind/priority" with "*" for any; the most specific entry wins. Urgent cases (safety
# concerns, a member's perk) run round the clock; everything else in business hours.
DEFAULT_POLICIES: dict[str, Targets] = {
    "*/LOW": Targets(_h(16), _h(16), _h(80)),
    "*/NORMAL": Targets(_h(8), _h(8), _h(40)),
    "*/HIGH": Targets(_h(4), _h(4), _h(16)),
    "*/URGENT": Targets(_h(1), _h(1), _h(24), business_hours=False),
}
# Not running: a case in these states has no clock that can breach.
STOPPED = frozenset(
    {CaseStatus.SOLVED, CaseStatus.RESOLVED, CaseStatus.DECLINED, CaseStatus.CLOSED}
)
# The customer's move: the clocks pause.
WAITING = frozenset({CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.AWAITING_ITEMS})


def _parse(entry: dict[str, Any]) -> Targets:
    return Targets(
        _h(float(entry["firstReplyHours"])),
        _h(float(entry["nextReplyHours"])),
        _h(float(entry["resolutionHours"])),
        bool(entry.get("businessHours", True)),
    )


def policies_from_environment() -> dict[str, Targets]:
    """DEFAULT_POLICIES overridden by SHOPGRAPH_SLA_POLICIES, a JSON object such as
    {"COMPLAINT/*": {"firstReplyHours": 4, "nextReplyHours": 8, "resolutionHours": 24,
    "businessHours": true}}; a malformed value is logged and ignored."""
    text = os.environ.get("SHOPGRAPH_SLA_POLICIES", "").strip()
    policies = dict(DEFAULT_POLICIES)
    if not text:
        return policies
    try:
        for key, entry in json.loads(text).items():
            policies[key.upper()] = _parse(entry)
    except (ValueError, KeyError, TypeError, AttributeError):
        logger.warning("SHOPGRAPH_SLA_POLICIES is not valid; using the defaults")
        return dict(DEFAULT_POLICIES)
    return policies


def targets_for(
    kind: CaseKind, priority: CasePriority, policies: dict[str, Targets] | None = None
) -> Targets:
    table = policies if policies is not None else policies_from_environment()
    k, p = CaseKind(kind).name, CasePriority(priority).name
    for key in (f"{k}/{p}", f"{k}/*", f"*/{p}", "*/*"):
        if key in table:
            return table[key]
    return DEFAULT_POLICIES[f"*/{p}"]


def clock_for(targets: Targets) -> hours.Clock:
    return hours.from_environment() if targets.business_hours else hours.ROUND_THE_CLOCK


def warning_time() -> timedelta:
    """SHOPGRAPH_SLA_WARNING_MINUTES (default 60) before a target: case.sla_warning."""
    try:
        return timedelta(minutes=max(int(os.environ.get("SHOPGRAPH_SLA_WARNING_MINUTES", 60)), 0))
    except ValueError:
        return timedelta(minutes=60)


def raised(priority: CasePriority, steps: int) -> CasePriority:
    """`priority` raised by `steps` levels (a member perk), at most URGENT."""
    index = ORDER.index(priority) + max(steps, 0)
    return ORDER[min(index, len(ORDER) - 1)]


def opening_clocks(kind: CaseKind, priority: CasePriority, start: datetime) -> dict[str, Any]:
    """The due times of a case opened at `start`."""
    targets = targets_for(kind, priority)
    clock = clock_for(targets)
    return {
        "first_response_due": clock.add(start, targets.first_reply),
        "resolution_due": clock.add(start, targets.resolution),
    }


def next_reply_due(case: Case, now: datetime) -> datetime:
    targets = targets_for(CaseKind(case.kind), CasePriority(case.priority))
    return clock_for(targets).add(now, targets.next_reply)


def running(case: Case) -> dict[str, datetime]:
    """The targets still to be met, by name (first reply until staff answered)."""
    targets: dict[str, datetime] = {}
    if case.first_responded_at is None and case.first_response_due is not None:
        targets[FIRST_REPLY] = case.first_response_due
    if case.next_reply_due is not None:
        targets[NEXT_REPLY] = case.next_reply_due
    if case.resolution_due is not None:
        targets[RESOLUTION] = case.resolution_due
    return targets


def is_running(case: Case) -> bool:
    return CaseStatus(case.status) not in STOPPED and case.waiting_since is None


def derived(case: Case, warning: timedelta | None = None) -> dict[str, Any]:
    """`next_due_at` and `next_alert_at` from the case's current clocks."""
    if not is_running(case):
        return {"next_due_at": None, "next_alert_at": None}
    warning = warning_time() if warning is None else warning
    due = running(case)
    alerts = set(case.sla_alerts or [])
    moments = []
    for name, at in due.items():
        if f"{name}:warning" not in alerts:
            moments.append(at - warning)
        elif f"{name}:breached" not in alerts:
            moments.append(at)
    return {
        "next_due_at": min(due.values(), default=None),
        "next_alert_at": min(moments, default=None),
    }


def resume(case: Case, since: datetime, now: datetime) -> dict[str, Any]:
    """The due times of a case whose clocks stood still from `since` to `now`: each target
    keeps the open time it had left at `since` (none if it was already past)."""
    targets = targets_for(CaseKind(case.kind), CasePriority(case.priority))
    clock = clock_for(targets)
    changes: dict[str, Any] = {}
    names = {
        "resolution_due": case.resolution_due,
        "next_reply_due": case.next_reply_due,
        "first_response_due": case.first_response_due if case.first_responded_at is None else None,
    }
    for name, due in names.items():
        if due is None or due <= since:
            continue
        changes[name] = clock.add(now, clock.between(since, due))
    return changes


def breached(case: Case, now: datetime) -> bool:
    """True if a target was missed, or a running clock is past its target now."""
    if case.breached_at is not None:
        return True
    return is_running(case) and any(at < now for at in running(case).values())


def answered(case: Case, now: datetime) -> dict[str, Any]:
    """Staff answered the customer: the first-reply target is met, the next-reply one too."""
    changes: dict[str, Any] = {}
    if case.first_responded_at is None:
        changes["first_responded_at"] = now
    if case.next_reply_due is not None:
        changes["next_reply_due"] = None
    return changes


def customer_wrote(case: Case, now: datetime) -> dict[str, Any]:
    """The customer wrote after staff answered: staff owe the next reply. While the clocks
    stand still the target counts from the pause, so it keeps its full length on resume."""
    if (
        case.first_responded_at is None
        or case.next_reply_due is not None
        or CaseStatus(case.status) in STOPPED
    ):
        return {}
    alerts = [a for a in case.sla_alerts or [] if not a.startswith(f"{NEXT_REPLY}:")]
    start = case.waiting_since or now
    return {"next_reply_due": next_reply_due(case, start), "sla_alerts": alerts}


def reprioritised(case: Case, priority: CasePriority, now: datetime) -> dict[str, Any]:
    """The due times of `case` under `priority`'s policy, keeping the time already used.

    Each target still to be met is re-counted: the open time used so far (the old target's
    length minus what was left at the reference moment) is taken from the new target's
    length. The reference is now for running clocks, the pause for stopped ones, so a
    paused case resumes with the new remainder. A target already missed stays missed; one
    whose used time exceeds the new, shorter length falls due at the reference moment.
    Warnings of targets that moved are dropped so the sweep warns again before the new time.
    """
    old = targets_for(CaseKind(case.kind), CasePriority(case.priority))
    new = targets_for(CaseKind(case.kind), priority)
    old_clock, new_clock = clock_for(old), clock_for(new)
    reference = case.waiting_since or case.solved_at or now
    lengths = {
        "first_response_due": (old.first_reply, new.first_reply),
        "next_reply_due": (old.next_reply, new.next_reply),
        "resolution_due": (old.resolution, new.resolution),
    }
    names = {"first_response_due": FIRST_REPLY, "next_reply_due": NEXT_REPLY}
    names["resolution_due"] = RESOLUTION
    changes: dict[str, Any] = {"priority": priority}
    alerts = set(case.sla_alerts or [])
    for field, (old_length, new_length) in lengths.items():
        due = getattr(case, field)
        if due is None or (field == "first_response_due" and case.first_responded_at):
            continue
        if due <= reference:
            continue  # missed already: a new priority does not undo a breach
        used = old_length - old_clock.between(reference, due)
        left = new_length - used
        changes[field] = new_clock.add(reference, left) if left > timedelta(0) else reference
        if f"{names[field]}:breached" not in alerts:
            alerts.discard(f"{names[field]}:warning")
    changes["sla_alerts"] = sorted(alerts)
    return changes
