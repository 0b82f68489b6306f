"""The program's audit trail: every staff change of terms, earning rules and tiers, with the
staff member, the reason and what changed, kept in the database (and logged)."""

from __future__ import annotations

import logging
from typing import Any

from models.membership import MembershipAudit
from services import clock
from services.membership.errors import MembershipErrorCode, error

logger = logging.getLogger("shopgraph.membership.audit")


def clean_reason(reason: str) -> str:
    """A reason is required: 1-300 characters."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise error(
            MembershipErrorCode.REASON_REQUIRED, "Say why, in 1-300 characters.", field="reason"
        )
    return reason


async def record(
    *, staff_id: int | None, action: str, subject: str, reason: str, changes: dict[str, Any]
) -> MembershipAudit:
    """One audit row (in the caller's transaction, so it commits with the change)."""
    row = await MembershipAudit.create(
        staff_id=staff_id,
        action=action[:40],
        subject=subject[:80],
        reason=reason[:300],
        changes=changes,
        created_at=clock.now(),
    )
    logger.info("staff %s %s %s: %s %s", staff_id, action, subject, reason, changes)
    return row
