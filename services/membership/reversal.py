"""Reversing an order's points: earned lots taken back line by line (with the points each
line earned, whatever today's rule says), spent points returned to the lots they came from.

Both are stated as targets ("this order is refunded to this extent") rather than deltas, so
a replayed or re-ordered refund event changes nothing more: what a lot has already had
reversed is on the lot, what was already returned is in the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from tortoise.functions import Sum

from models.membership import (
    EntryKind,
    PointsAllocation,
    PointsEntry,
    PointsLot,
    QualifyingSpend,
    ShortfallPolicy,
)
from services import clock
from services.membership import ledger, lots, rules
from services.transactions import transaction

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Extent:
    """How far an order is refunded: fully, by returned quantity per line (cumulative), or
    by the share of the order's money refunded so far."""

    full: bool = False
    returned: Mapping[int, int] | None = None
    share: Decimal = Decimal(0)

    def of_line(self, line_id: int | None, quantity: int) -> Decimal:
        if self.full:
            return Decimal(1)
        if self.returned is not None:
            if line_id is None or quantity <= 0:
                return Decimal(0)
            return min(Decimal(self.returned.get(line_id, 0)) / quantity, Decimal(1))
        return min(max(self.share, Decimal(0)), Decimal(1))


@dataclass(frozen=True)
class Reversed:
    reversed: int
    shortfall: int
    restored: int
    withheld: Decimal = Decimal("0.00")
    owed: int = 0
    # (lot id, points taken from it, points its `reversed` rose by) per lot touched.
    lots: tuple[tuple[int, int, int], ...] = ()


async def shortfall_preview(
    *, user_id: int, order_id: int, extent: Extent, currency: str
) -> tuple[int, Decimal]:
    """Points a refund to `extent` could not take back (already spent) and their value in
    `currency`: what a refund under REDUCE_REFUND withholds, asked before it is made."""
    short = 0
    for lot in await PointsLot.filter(order_id=order_id, user_id=user_id):
        target = rules.whole_points(
            Decimal(lot.points) * extent.of_line(lot.order_line_id, lot.quantity)
        )
        due = max(target - lot.reversed, 0)
        short += due - min(due, lot.remaining)
    unit = rules.point_value(await rules.program(), currency) or Decimal(0)
    return short, (unit * short).quantize(CENT)


async def reverse_order(
    *,
    user_id: int,
    order_id: int,
    extent: Extent,
    key: str,
    currency: str = "EUR",
    withhold_up_to: Decimal | None = None,
    lots_only: bool = False,
) -> Reversed:
    """Bring the order's points to `extent`: take back earned points, record any shortfall
    (points already spent), return spent points, and lower the qualifying spend.

    A shortfall is withheld from the refund (valued in `currency`, at most `withhold_up_to`)
    only when the caller is the refund itself and the program says REDUCE_REFUND; otherwise,
    and for what the refund is too small to cover, the money has gone or goes anyway and the
    member owes the points (debt): a shortfall is never hidden.

    `lots_only` leaves spent points and qualifying spend for later (a refund not yet
    answered: they follow when it goes through, by the same targets).
    """
    key = f"order:{order_id}:{key}"
    async with transaction(), ledger.changing(user_id) as account:
        terms = await rules.program()
        reduce = (
            withhold_up_to is not None and terms.shortfall_policy == ShortfallPolicy.REDUCE_REFUND
        )
        taken: list[tuple[int, int]] = []
        moved: list[tuple[int, int, int]] = []
        shortfall = owed = 0
        for lot in await PointsLot.filter(order_id=order_id, user_id=user_id).order_by("id"):
            target = rules.whole_points(
                Decimal(lot.points) * extent.of_line(lot.order_line_id, lot.quantity)
            )
            due = target - lot.reversed
            if due <= 0:
                continue
            held = await lots.cancel(lot, due)
            if held:
                taken.append((lot.id, -held))
            moved.append((lot.id, held, due))
            shortfall += due - held
        if taken:
            await ledger.record(
                user_id=user_id,
                kind=EntryKind.REVERSE,
                points=sum(n for _, n in taken),
                key=f"{key}:reverse",
                reason="Order refunded: the points its lines earned are taken back",
                reference=f"order:{order_id}",
                order_id=order_id,
                allocations=taken,
            )
        value = None
        if shortfall:
            owed = shortfall
            unit = rules.point_value(terms, currency) or Decimal(0)
            if reduce and unit > 0 and withhold_up_to is not None:
                covered = min(shortfall, rules.whole_points(withhold_up_to / unit))
                value = (unit * covered).quantize(CENT)
                owed -= covered
            if owed:
                account.debt += owed
                await account.save(update_fields=["debt", "updated_at"])
            await ledger.record(
                user_id=user_id,
                kind=EntryKind.SHORTFALL,
                points=-shortfall,
                key=f"{key}:shortfall",
                reason=f"{shortfall} points earned by the refunded lines were already spent",
                reference=f"order:{order_id}",
                order_id=order_id,
                value=value,
                event={"policy": terms.shortfall_policy.value, "value": value, "owed": owed},
            )
        restored = 0
        if not lots_only:
            restored = await _restore(user_id, order_id, extent, key)
            await _lower_spend(user_id, order_id, extent, key)
    return Reversed(
        reversed=-sum(n for _, n in taken),
        shortfall=shortfall,
        restored=restored,
        withheld=value or Decimal("0.00"),
        owed=owed,
        lots=tuple(moved),
    )


async def withheld_for_order(order_id: int) -> Decimal:
    """The money refunds of the order have withheld so far for points already spent."""
    rows = await PointsEntry.filter(
        order_id=order_id, kind=EntryKind.SHORTFALL, value__isnull=False
    ).values_list("value", flat=True)
    return sum((Decimal(v) for v in rows), Decimal("0.00"))


async def _restore(user_id: int, order_id: int, extent: Extent, key: str) -> int:
    """Return the order's spent points, in the share refunded, to the lots they came from."""
    spent = await PointsAllocation.filter(
        entry__order_id=order_id, entry__kind=EntryKind.SPEND, entry__user_id=user_id
    ).order_by("-id")
    if not spent:
        return 0
    total = -sum(a.points for a in spent)
    # Spent points pay for the whole order, so a quantity return gives back the share of money.
    share = Decimal(1) if extent.full else extent.share
    target = rules.whole_points(Decimal(total) * min(share, Decimal(1)))
    done = (
        await PointsEntry.filter(order_id=order_id, kind=EntryKind.RESTORE, user_id=user_id)
        .annotate(n=Sum("points"))
        .values("n")
    )
    due = target - int((done[0]["n"] if done else 0) or 0)
    if due <= 0:
        return 0
    given = await PointsAllocation.filter(
        entry__order_id=order_id, entry__kind=EntryKind.RESTORE, entry__user_id=user_id
    ).values("lot_id", "points")
    back: dict[int, int] = {}
    for row in given:
        back[row["lot_id"]] = back.get(row["lot_id"], 0) + row["points"]
    plan: list[tuple[int, int]] = []
    left = due
    for allocation in spent:  # latest-expiring lots first: the member keeps the longest
        room = -allocation.points - back.get(allocation.lot_id, 0)
        n = min(room, left)
        if n > 0:
            plan.append((allocation.lot_id, n))
            back[allocation.lot_id] = back.get(allocation.lot_id, 0) + n
            left -= n
        if not left:
            break
    await lots.give_back(plan)
    await ledger.record(
        user_id=user_id,
        kind=EntryKind.RESTORE,
        points=due - left,
        key=f"{key}:restore",
        reason="Order refunded: the points spent on it are back",
        reference=f"order:{order_id}",
        order_id=order_id,
        allocations=plan,
    )
    return due - left


async def _lower_spend(user_id: int, order_id: int, extent: Extent, key: str) -> None:
    """Take the refunded share of each line off the spend that counts towards tiers."""
    rows = await QualifyingSpend.filter(order_id=order_id, user_id=user_id).values(
        "order_line_id", "amount", "quantity"
    )
    paid: dict[int, tuple[Decimal, int]] = {}
    lowered: dict[int, Decimal] = {}
    for row in rows:
        line = int(row["order_line_id"] or 0)
        amount = Decimal(row["amount"])
        if amount > 0:
            paid[line] = (amount, int(row["quantity"]))
        else:
            lowered[line] = lowered.get(line, Decimal(0)) - amount
    for line_id, (amount, quantity) in paid.items():
        due = (amount * extent.of_line(line_id, quantity)).quantize(CENT) - lowered.get(
            line_id, Decimal(0)
        )
        if due > 0:
            await QualifyingSpend.create(
                user_id=user_id,
                amount=-due,
                key=f"{key}:spend:{line_id}",
                order_id=order_id,
                order_line_id=line_id,
                occurred_at=clock.now(),
            )
