"""Replacement orders: what an exchange sends instead of the returned units.

The returned units' value is a credit spread over the new lines (as line discounts, so
points are earned only on what is paid). A replacement worth more than the credit is
placed UNPAID with its stock reserved and the customer pays the difference like any order
(`payOrder`); one worth less is PAID at once and the rest of the credit is refunded on the
original order by the caller after commit. Idempotent: one replacement per key.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from models.catalog import ProductStatus, Variant
from models.orders import Order, OrderLine, OrderStatus
from services import clock
from services.catalog import stock
from services.orders import emission, lifecycle
from services.orders.errors import OrderErrorCode, StockError, error
from services.orders.fulfilment import locked_order
from services.orders.lifecycle import Actor
from services.orders.pricing import unit_prices
from services.orders.reservations import RESERVATION_TTL

C = OrderErrorCode
CENT = Decimal("0.01")
MAX_LINES = 20
MAX_UNITS = 100
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class ReplacementLine:
    variant_id: int
    quantity: int


@dataclass(frozen=True)
class Replacement:
    order: Order
    # What the new goods cost beyond the credit (> 0: the customer pays it; < 0: refund it).
    difference: Decimal
    replayed: bool = False


def _spread(credit: Decimal, gross: list[Decimal]) -> list[Decimal]:
    """`credit` as discounts over lines worth `gross`, in proportion, to the cent."""
    total = sum(gross, Decimal(0))
    shares = [(credit * g / total).quantize(CENT, rounding=ROUND_HALF_UP) for g in gross[:-1]]
    return [*shares, credit - sum(shares, Decimal(0))]


async def _variants(lines: Sequence[ReplacementLine], currency: str) -> dict[int, Variant]:
    if not 1 <= len(lines) <= MAX_LINES:
        raise error(C.QUANTITY_INVALID, f"1 to {MAX_LINES} lines.", field="lines")
    ids = [line.variant_id for line in lines]
    if len(set(ids)) != len(ids):
        raise error(C.LINE_NOT_FOUND, "Each variant may appear once.", field="lines")
    if any(not 1 <= line.quantity <= MAX_UNITS for line in lines):
        raise error(C.QUANTITY_INVALID, f"1 to {MAX_UNITS} units a line.", field="lines")
    found = {
        v.id: v
        for v in await Variant.filter(
            id__in=ids, product__status=ProductStatus.ACTIVE
        ).select_related("product")
    }
    if set(found) != set(ids):
        raise error(C.VARIANT_NOT_FOUND, "A variant is not for sale.", field="lines")
    if any(v.currency != currency for v in found.values()):
        raise error(C.CURRENCY_MISMATCH, f"Replacements are priced in {currency}.", field="lines")
    return found


async def place_replacement(
    *,
    original_order_id: int,
    lines: Sequence[ReplacementLine],
    credit: Decimal,
    key: str,
    actor: Actor,
) -> Replacement:
    """The replacement order of `original_order_id` (call inside `transaction()`)."""
    earlier = await Order.get_or_none(idempotency_key=key)
    if earlier is not None:
        return Replacement(earlier, Decimal(earlier.subtotal) - Decimal(credit), replayed=True)
    original = await locked_order(original_order_id)
    variants = await _variants(lines, original.currency)
    now = clock.now()
    prices = await unit_prices(list(variants.values()), at=now)
    gross = [(prices[line.variant_id][0] * line.quantity).quantize(CENT) for line in lines]
    subtotal = sum(gross, Decimal(0))
    applied = min(Decimal(credit), subtotal)
    discounts = _spread(applied, gross) if subtotal > 0 else [Decimal(0)] * len(gross)
    total = subtotal - applied
    suffix = "".join(secrets.choice(ALPHABET) for _ in range(6))
    order = await Order.create(
        number=f"SG{now:%y%m%d}-{suffix}",
        user_id=original.user_id,
        email=original.email,
        status=OrderStatus.UNPAID,
        currency=original.currency,
        subtotal=subtotal,
        discount_total=applied,
        shipping_total=Decimal(0),
        total=total,
        shipping_address=original.shipping_address,
        delivery_method=original.delivery_method,
        payment_method=original.payment_method,
        idempotency_key=key,
        reserved_until=now + RESERVATION_TTL if total > 0 else None,
        placed_at=now,
    )
    for line in sorted(lines, key=lambda li: li.variant_id):  # a fixed lock order
        if (
            await stock.take(variant_id=line.variant_id, units=line.quantity, reason="exchange")
            is None
        ):
            variant = variants[line.variant_id]
            current = await Variant.get(id=variant.id)
            raise StockError(available=current.stock, field="lines", item=variant.product.name)
    await OrderLine.bulk_create(
        [
            OrderLine(
                order_id=order.id,
                variant_id=line.variant_id,
                product_id=variants[line.variant_id].product_id,
                product_name=variants[line.variant_id].product.name[:300],
                sku=variants[line.variant_id].sku,
                quantity=line.quantity,
                unit_price=prices[line.variant_id][0],
                discount=discount,
                total=amount - discount,
                currency=original.currency,
            )
            for line, amount, discount in zip(lines, gross, discounts, strict=True)
        ]
    )
    await lifecycle.record_event(
        order,
        "placed",
        f"Replacement for order {original.number}: {applied:.2f} {order.currency} credit from "
        f"the returned items, {total:.2f} to pay.",
        actor=actor,
        data={"replaces": original.number, "credit": str(applied)},
    )
    await emission.emit(
        emission.T.ORDER_PLACED,
        order,
        subtotal=subtotal,
        discountTotal=applied,
        shippingTotal=Decimal(0),
        couponCodes=[],
        deliveryMethod=order.delivery_method,
        lines=await emission.lines_of(order.id),
    )
    if total == 0:
        await lifecycle.transition(
            order,
            OrderStatus.PAID,
            actor=actor,
            message="Nothing to pay: the returned items cover the replacement.",
            changes={"paid_at": now},
        )
    return Replacement(order, subtotal - Decimal(credit))
