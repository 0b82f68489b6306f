"""Read-only previews of what a reversal would do, for other domains to show before they
act (the after-sales return preview): nothing here writes.

The figures follow `reversal.reverse_order` exactly: each earned lot of the order is brought
to the extent's share of its points (whole points, never rounded in the member's favour), and
the points spent on the order come back in the share of money refunded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tortoise.functions import Sum

from models.membership import EntryKind, PointsAllocation, PointsEntry, PointsLot
from services.membership import rules
from services.membership.reversal import Extent


@dataclass(frozen=True)
class ReversalPreview:
    taken_back: int  # earned points the member loses (held now or recorded as shortfall)
    shortfall: int  # of those, points already spent or expired
    restored: int  # spent points that come back


async def reversal_preview(*, user_id: int, order_id: int, extent: Extent) -> ReversalPreview:
    """What reversing the order's points to `extent` would take back and give back now."""
    taken = short = 0
    for lot in await PointsLot.filter(order_id=order_id, user_id=user_id):
        target = rules.whole_points(
            Decimal(lot.points) * extent.of_line(lot.order_line_id, lot.quantity)
        )
        due = max(target - lot.reversed, 0)
        taken += due
        short += due - min(due, lot.remaining)
    spent = await PointsAllocation.filter(
        entry__order_id=order_id, entry__kind=EntryKind.SPEND, entry__user_id=user_id
    ).values("points")
    total_spent = -sum(int(row["points"]) for row in spent)
    share = Decimal(1) if extent.full else min(extent.share, Decimal(1))
    target = rules.whole_points(Decimal(total_spent) * share)
    done = (
        await PointsEntry.filter(order_id=order_id, kind=EntryKind.RESTORE, user_id=user_id)
        .annotate(n=Sum("points"))
        .values("n")
    )
    restored = max(target - int((done[0]["n"] if done else 0) or 0), 0)
    return ReversalPreview(taken_back=taken, shortfall=short, restored=restored)
