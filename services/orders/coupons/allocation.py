"""How a goods coupon's discount is split over the cart lines, to the exact cent."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal

from models.orders import Coupon, CouponKind
from services.orders.coupons.rules import CENT, Item, in_scope, money


def _cents(value: Decimal) -> int:
    return int((value / CENT).to_integral_value(rounding=ROUND_HALF_EVEN))


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` over lines in proportion to `weights`, to the cent, in exact integers.

    Largest-remainder method: each line gets the floor of its exact share in cents; the
    cents left over go one each to the lines with the largest remainders (ties: the earlier
    line). The shares add up exactly to `amount` and none exceeds its weight as long as
    `amount` does not exceed the sum of the weights.
    """
    cents = [_cents(w) for w in weights]
    total_weight = sum(cents)
    if total_weight == 0:
        return [Decimal(0) * CENT for _ in weights]
    to_share = _cents(amount)
    floors_and_remainders = [divmod(to_share * c, total_weight) for c in cents]
    floors = [floor for floor, _ in floors_and_remainders]
    leftover = to_share - sum(floors)
    by_remainder = sorted(range(len(cents)), key=lambda i: (-floors_and_remainders[i][1], i))
    for index in by_remainder[:leftover]:
        floors[index] += 1
    return [Decimal(f) * CENT for f in floors]


def goods_discounts(coupon: Coupon, items: Sequence[Item]) -> list[Decimal]:
    """The discount of a goods coupon on each item (0 for items out of scope)."""
    scope = [in_scope(coupon, item) for item in items]
    value = Decimal(coupon.value)
    weights = [
        item.subtotal if inside else Decimal(0) for item, inside in zip(items, scope, strict=True)
    ]
    eligible = sum(weights, Decimal(0))
    if coupon.kind == CouponKind.PERCENTAGE:
        # The percentage is taken of the eligible total once, then split, so the line
        # discounts add up to exactly the order's discount.
        rate = min(value, Decimal(100)) / 100
        return allocate(min(money(eligible * rate), eligible), weights)
    if coupon.kind in (CouponKind.FIXED_AMOUNT, CouponKind.SPEND_THRESHOLD):
        return allocate(min(value, eligible), weights)
    return [Decimal(0) for _ in items]
