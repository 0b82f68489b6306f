"""The forward-only rule: which tracking event may move a shipment's current status.

Ordinary progress has a rank (pending < info received < in transit < out for delivery <
delivered). A shipment remembers the furthest rank it reached (`progress`). Exceptional
states (a failed attempt, waiting at a pickup point, an exception) happen at any point in
flight and never lower that rank, so the parcel recovering from one may only continue from
where it was. An event older than the one that set the current status is kept in the
timeline but moves nothing; `delivered` wins over anything not final, whenever it arrives.
"""

from __future__ import annotations

from datetime import datetime

from models.logistics import ShipmentStatus

S = ShipmentStatus

RANK: dict[ShipmentStatus, int] = {
    S.PENDING: 0,
    S.INFO_RECEIVED: 1,
    S.IN_TRANSIT: 2,
    S.OUT_FOR_DELIVERY: 3,
    S.DELIVERED: 5,
}
# May happen from any status that is not final; they keep the progress reached.
EXCEPTIONAL = frozenset({S.ATTEMPTED_DELIVERY, S.AVAILABLE_FOR_PICKUP, S.EXCEPTION})
# Nothing a carrier reports moves these (a return is a new shipment).
FINAL = frozenset({S.DELIVERED, S.EXPIRED, S.CANCELLED})
# A parcel on its way back may still expire or be reported as an exception, not progress.
RETURNING = frozenset({S.RETURNING_TO_SENDER})


def progress_of(status: ShipmentStatus, previous: int) -> int:
    """The progress a shipment has after moving to `status` from `previous` progress."""
    return max(previous, RANK.get(status, previous))


def may_move(
    *,
    current: ShipmentStatus,
    progress: int,
    status_at: datetime | None,
    new: ShipmentStatus,
    occurred_at: datetime,
) -> bool:
    """True when an event of status `new` at `occurred_at` becomes the current status."""
    if current in FINAL or new == current:
        return False
    if new == S.DELIVERED:
        return current not in RETURNING
    if status_at is not None and occurred_at < status_at:
        return False
    if current in RETURNING:
        return new in (S.EXPIRED, S.EXCEPTION)
    if new in EXCEPTIONAL or new in (S.RETURNING_TO_SENDER, S.EXPIRED):
        return True
    rank = RANK.get(new)
    if rank is None:
        return False
    # Out of an exceptional state the parcel may resume at the progress it had reached.
    return rank >= progress if current in EXCEPTIONAL else rank > progress
