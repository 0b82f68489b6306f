"""Refunds that keep back the value of points already spent (the REDUCE_REFUND policy).

A refund's transaction (its order row locked) calls `withhold_for_refund` before the payment
provider is asked: the order's earned points are taken back to where the refund brings the
order, the value of those already spent is kept back from the refund, and what was done to
each lot is recorded (a PENDING `PointsWithholding`). Taking them back first means no
checkout can spend them while the refund is under way.

When the provider answers, `settle_withholding` keeps the reversal (APPLIED: the points
spent on the order come back and the qualifying spend goes down, as for any refund) or,
when the refund was refused, puts back exactly what was taken (RELEASED): the points to
their lots, nothing withheld, nothing owed. The status moves once, under the member's lock,
so a repeated answer changes nothing more.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from tortoise.expressions import F

from models.membership import (
    EntryKind,
    PointsLot,
    PointsWithholding,
    ShortfallPolicy,
    WithholdingStatus,
)
from services import clock
from services.membership import ledger, rules
from services.membership.reversal import Extent, reverse_order, withheld_for_order
from services.transactions import transaction

ZERO = Decimal("0.00")


def _key(order_id: int, key: str) -> str:
    """Refund keys are unique per order only."""
    return f"{order_id}:{key}"[:120]


async def withhold_for_refund(
    *,
    user_id: int,
    order_id: int,
    order_value: Decimal,
    captured: Decimal,
    refunded: Decimal,
    amount: Decimal,
    key: str,
    currency: str,
    returned: Mapping[int, int] | None = None,
) -> Decimal:
    """Inside a refund's transaction: under REDUCE_REFUND, take the order's points back to
    where this refund of `amount` brings it and return the value of the points already spent,
    which the refund keeps back (zero under NEGATIVE_BALANCE: the reversal then follows
    `order.refunded`). Pending until `settle_withholding` hears how the refund went.

    `refunded` is money refunded or being refunded before this refund; what earlier refunds
    withheld counts as refunded too, so the extent is the same as if nothing was withheld.
    The same `key` again withholds what it did the first time, once. With `returned` (the
    order's returned quantities per line, this refund's included) the lots are brought to
    those lines, not to the share of money.
    """
    if (await rules.program()).shortfall_policy != ShortfallPolicy.REDUCE_REFUND:
        return ZERO
    found = await PointsWithholding.get_or_none(key=_key(order_id, key))
    if found is not None:
        return Decimal(found.value) if found.status != WithholdingStatus.RELEASED else ZERO
    before = refunded + await withheld_for_order(order_id)
    after = before + amount
    extent = (
        Extent(full=True)
        if after >= captured
        else Extent(
            share=after / order_value if order_value > 0 else Decimal(0),
            returned=dict(returned) if returned else None,
        )
    )
    result = await reverse_order(
        user_id=user_id,
        order_id=order_id,
        extent=extent,
        key=f"refund:{key}",
        currency=currency,
        withhold_up_to=amount,
        lots_only=True,
    )
    await PointsWithholding.create(
        user_id=user_id,
        order_id=order_id,
        key=_key(order_id, key),
        extent_full=extent.full,
        extent_share=min(extent.share, Decimal(1)).quantize(Decimal("0.00000001")),
        extent_returned=(
            [[line, n] for line, n in sorted(extent.returned.items())] if extent.returned else None
        ),
        lots=[list(moved) for moved in result.lots],
        shortfall=result.shortfall,
        owed=result.owed,
        value=result.withheld,
        created_at=clock.now(),
    )
    return result.withheld


async def settle_withholding(*, order_id: int, key: str, succeeded: bool) -> Decimal:
    """The order's refund `key` went through (keep the reversal, finish it) or was refused
    (put it back). Returns the value no longer withheld (0 when kept, or nothing pending)."""
    found = await PointsWithholding.get_or_none(key=_key(order_id, key))
    if found is None or found.status != WithholdingStatus.PENDING:
        return ZERO
    async with transaction(), ledger.changing(found.user_id) as account:
        status = WithholdingStatus.APPLIED if succeeded else WithholdingStatus.RELEASED
        moved = await PointsWithholding.filter(
            id=found.id, status=WithholdingStatus.PENDING
        ).update(status=status, settled_at=clock.now())
        if not moved:
            return ZERO  # settled meanwhile
        prefix = f"order:{found.order_id}:refund:{key}"
        if succeeded:
            await reverse_order(
                user_id=found.user_id,
                order_id=found.order_id,
                extent=Extent(
                    full=found.extent_full,
                    share=Decimal(found.extent_share),
                    returned=(
                        {int(line): int(n) for line, n in found.extent_returned}
                        if found.extent_returned
                        else None
                    ),
                ),
                key=f"refund:{key}:applied",
            )
            return ZERO
        back: list[tuple[int, int]] = []
        for lot_id, held, due in found.lots:
            await PointsLot.filter(id=lot_id).update(
                remaining=F("remaining") + held, reversed=F("reversed") - due
            )
            if held:
                back.append((lot_id, held))
        if back:
            await ledger.record(
                user_id=found.user_id,
                kind=EntryKind.ADJUST,
                points=sum(n for _, n in back),
                key=f"{prefix}:reinstate",
                reason="The refund was refused: the points taken back for it are yours again",
                reference=f"order:{found.order_id}",
                order_id=found.order_id,
                allocations=back,
            )
        if found.shortfall:
            if found.owed:
                account.debt = max(account.debt - found.owed, 0)
                await account.save(update_fields=["debt", "updated_at"])
            # The counter-entry: nothing is withheld and nothing owed for this refund.
            await ledger.record(
                user_id=found.user_id,
                kind=EntryKind.SHORTFALL,
                points=found.shortfall,
                key=f"{prefix}:released",
                reason="The refund was refused: nothing is kept back for spent points",
                reference=f"order:{found.order_id}",
                order_id=found.order_id,
                value=-Decimal(found.value),
                event={"released": True, "value": -Decimal(found.value), "owed": -found.owed},
            )
    return Decimal(found.value)
