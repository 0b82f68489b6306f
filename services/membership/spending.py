"""Spending points at checkout: what they are worth on an order, and taking them inside the
order's transaction (so a failed checkout spends nothing, and two checkouts spending the
same points cannot both succeed)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from models.membership import EntryKind
from services.membership import ledger, lots, rules
from services.membership.errors import MembershipErrorCode, error

C = MembershipErrorCode
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Quote:
    points: int
    amount: Decimal
    note: str


async def quote(*, user_id: int | None, points: int, amount_due: Decimal, currency: str) -> Quote:
    """What spending `points` takes off `amount_due`, by the program's terms.

    Whole points only, each worth the currency's point value; at most `max_share` of the
    amount due, rounded down to the cent; below `min_redeem` points nothing is taken.
    """
    if points <= 0 or user_id is None:
        return Quote(0, ZERO, "No points are being spent.")
    terms = await rules.program()
    unit = rules.point_value(terms, currency)
    if unit is None or unit <= 0:
        return Quote(0, ZERO, f"Points cannot pay for orders in {currency}.")
    if points < terms.min_redeem:
        return Quote(0, ZERO, f"Spend at least {terms.min_redeem} points at a time.")
    spendable = (await ledger.balances(user_id)).spendable
    cap = (Decimal(amount_due) * Decimal(terms.max_share)).quantize(Decimal("0.01"), ROUND_FLOOR)
    usable = min(points, spendable, rules.whole_points(cap / unit))
    if usable < terms.min_redeem:
        return Quote(
            0, ZERO, f"{spendable} points are available; at least {terms.min_redeem} are needed."
        )
    amount = (unit * usable).quantize(Decimal("0.01"), ROUND_FLOOR)
    note = f"{usable} points take {amount:.2f} {currency} off"
    if usable < points:
        share = Decimal(terms.max_share) * 100
        note += f" (of {points} asked: at most {share:.0f}% of the order and what is available)"
    return Quote(usable, amount, note + ".")


async def spend_for_order(*, user_id: int, order_id: int, points: int, amount: Decimal) -> None:
    """Spend `points` on order `order_id` inside its transaction; INSUFFICIENT_POINTS if the
    member no longer has them (spent meanwhile by another checkout), which rolls it back."""
    if points <= 0:
        return
    key = f"spend:order:{order_id}"
    async with ledger.changing(user_id) as account:
        if await ledger.find(key) is not None:
            return
        available = (await ledger.balances(user_id)).available
        if available - account.debt < points:
            raise error(
                C.INSUFFICIENT_POINTS,
                f"Only {max(available - account.debt, 0)} points are available now.",
                field="pointsToSpend",
            )
        taken = await lots.take(user_id, points)
        await ledger.record(
            user_id=user_id,
            kind=EntryKind.SPEND,
            points=-points,
            key=key,
            reason=f"Spent at checkout for {amount:.2f} off",
            reference=f"order:{order_id}",
            order_id=order_id,
            allocations=taken,
            event={"amount": amount},
        )
