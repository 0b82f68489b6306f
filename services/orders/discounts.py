"""The discounts an order was placed with, as checkout recorded them on its timeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from models.orders import CouponKind, OrderEvent


@dataclass(frozen=True)
class PlacedDiscount:
    code: str | None
    kind: CouponKind
    amount: Decimal
    reason: str


def placed_discounts(events: Sequence[OrderEvent]) -> list[PlacedDiscount]:
    """The discounts in the order's "placed" event; coupons may change later, this may not."""
    placed = next((e for e in events if e.kind == "placed"), None)
    data = placed.data if placed is not None else {}
    recorded = cast(list[dict[str, str]], data.get("discounts", []))
    return [
        PlacedDiscount(
            code=d.get("code"),
            kind=CouponKind(d.get("kind", CouponKind.FIXED_AMOUNT.value)),
            amount=Decimal(d.get("amount", "0")),
            reason=d.get("reason", ""),
        )
        for d in recorded
    ]
