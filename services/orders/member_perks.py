"""Member perks in a cart's price: the tier discount on eligible lines and free delivery from
the tier's threshold (the perks themselves come from membership, through a flow)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.membership import Perks
    from services.orders.pricing import PricedLine

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def tier_discount(lines: Sequence[PricedLine], perks: Perks) -> Decimal:
    """Take the tier's percentage off each eligible line (after coupons); the total taken.

    Rounded down per line to the cent, so the shopper never gets a cent more than the rule.
    """
    if perks.discount_percent <= 0:
        return ZERO
    taken = ZERO
    for line in lines:
        if not perks.discounts(line.category_ids):
            continue
        share = (line.total * perks.discount_percent / 100).quantize(CENT, ROUND_FLOOR)
        if share > 0:
            line.discount += share
            percent = f"{perks.discount_percent.normalize():f}"
            line.notes.append(f"{perks.tier_name} members: {percent}% off")
            taken += share
    return taken


def free_delivery(perks: Perks, *, goods: Decimal, fee: Decimal, note: str) -> tuple[Decimal, str]:
    """The fee and its note once the tier's free delivery threshold is applied."""
    threshold = perks.free_delivery_from
    if threshold is None or fee <= 0 or goods < threshold:
        return fee, note
    return ZERO, f"Free delivery for {perks.tier_name} members from {threshold:.2f}"
