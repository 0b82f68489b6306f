"""What a return would refund, before the customer submits it (and what staff refund).

Per line: the units' share of what was paid for the line (its own discounts, coupons
included, are already in the line total), less their share of points paid, less the
restocking fee for change-of-mind reasons; shipping comes back when the whole order
returns for the shop's fault. Points paid are returned to the member by membership when
the refund is booked; the points taken back are asked of a hook (`points_back`, answered
by services/flows/return_points.py) so this module needs no membership import.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from models.aftersales import CaseReason
from models.orders import Order, OrderLine
from services.aftersales import policy

CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass(frozen=True)
class PointsChange:
    taken_back: int  # earned points the refund takes back
    restored: int  # points spent on the order that come back


# (order id, refund total) -> the member's points change, or None (a guest, no program).
# (order id, money refunded, returned units per order line) -> the points it moves.
PointsBack = Callable[[int, Decimal, Mapping[int, int]], Awaitable[PointsChange | None]]


@dataclass(frozen=True)
class LinePreview:
    order_line_id: int
    product_name: str
    quantity: int
    goods: Decimal
    discount_share: Decimal
    points_share: Decimal
    restocking_fee: Decimal
    refund: Decimal


@dataclass(frozen=True)
class Preview:
    currency: str
    lines: list[LinePreview]
    shipping: Decimal
    total: Decimal
    points_back: int | None
    points_restored: int | None = None


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def compute(
    order: Order,
    lines: Sequence[OrderLine],
    units: Mapping[int, int],
    reason: CaseReason,
    terms: policy.Policy,
) -> tuple[list[LinePreview], Decimal]:
    """The per-line refunds and the shipping refunded, from stored order rows only."""
    paid_goods = sum((Decimal(line.total) for line in lines), ZERO)
    points = Decimal(order.points_discount)
    fee_rate = ZERO if reason in policy.SHOP_FAULT else terms.restocking_fee_percent / 100
    result = []
    for line in lines:
        count = units.get(line.id, 0)
        if count <= 0:
            continue
        part = Decimal(count) / Decimal(line.quantity)
        goods = _cents(Decimal(line.unit_price) * count)
        discount = _cents(Decimal(line.discount) * part)
        paid = _cents(Decimal(line.total) * part)
        points_share = (
            _cents(points * Decimal(line.total) / paid_goods * part) if paid_goods else ZERO
        )
        fee = _cents((paid - points_share) * fee_rate)
        refund = max(paid - points_share - fee, ZERO)
        result.append(
            LinePreview(
                line.id, line.product_name, count, goods, discount, points_share, fee, refund
            )
        )
    everything = all(
        units.get(line.id, 0) >= line.quantity - line.returned_quantity for line in lines
    )
    shipping = Decimal(order.shipping_total) if everything and reason in policy.SHOP_FAULT else ZERO
    return result, _cents(shipping)


async def preview_return(
    *,
    order_id: int,
    units: Mapping[int, int],
    reason: CaseReason,
    terms: policy.Policy | None = None,
    points_back: PointsBack | None = None,
) -> Preview:
    """The refund a return of `units` (per order line) would bring."""
    terms = terms or policy.from_environment()
    order = await Order.get(id=order_id)
    lines = list(await OrderLine.filter(order_id=order_id))
    rows, shipping = compute(order, lines, units, reason, terms)
    total = sum((row.refund for row in rows), ZERO) + shipping
    returned = {line: n for line, n in units.items() if n > 0}
    change = (
        await points_back(order_id, _cents(total), returned) if points_back is not None else None
    )
    return Preview(
        order.currency,
        rows,
        shipping,
        _cents(total),
        change.taken_back if change else None,
        change.restored if change else None,
    )
