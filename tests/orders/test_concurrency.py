"""Races that only PostgreSQL can show: stock, idempotency keys and coupon uses under load."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from models.catalog import Variant
from models.orders import Coupon, CouponRedemption, Order
from services.errors import DomainError, DomainErrors
from services.orders import details
from services.orders.checkout import CheckoutResult
from tests.conftest import using_postgres
from tests.factories import create_coupon, create_variant
from tests.orders._helpers import place, ready_cart

pytestmark = [
    pytest.mark.usefixtures("database"),
    pytest.mark.skipif(
        not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
    ),
]


def _codes(outcome: CheckoutResult | BaseException) -> list[str]:
    if isinstance(outcome, DomainErrors):
        return [e.code for e in outcome.errors]
    if isinstance(outcome, DomainError):
        return [outcome.code]
    if isinstance(outcome, BaseException):
        raise outcome
    return []


async def test_50_checkouts_for_10_units_sell_exactly_10() -> None:
    # Given 50 guest carts holding 1 unit each of a variant with 10 in stock
    variant = await create_variant(stock=10)
    carts = [await ready_cart((variant, 1)) for _ in range(50)]

    # When all 50 check out at once
    outcomes = await asyncio.gather(*(place(cart) for cart in carts), return_exceptions=True)

    # Then exactly 10 orders exist, 40 were told it is out of stock, and stock is 0
    placed = [o for o in outcomes if isinstance(o, CheckoutResult)]
    refused = [_codes(o) for o in outcomes if not isinstance(o, CheckoutResult)]
    assert len(placed) == 10
    assert refused == [["INSUFFICIENT_STOCK"]] * 40
    assert (await Variant.get(id=variant.id)).stock == 0
    assert await Order.filter(lines__variant_id=variant.id).count() == 10


async def test_the_same_key_sent_twice_at_once_makes_one_order() -> None:
    variant = await create_variant(stock=10)
    cart = await ready_cart((variant, 1))
    key = uuid.uuid4().hex
    first, second = await asyncio.gather(place(cart, key=key), place(cart, key=key))
    assert first.order.id == second.order.id
    assert sorted([first.replayed, second.replayed]) == [False, True]
    assert await Order.filter(idempotency_key=key).count() == 1
    assert (await Variant.get(id=variant.id)).stock == 9


async def test_a_one_use_coupon_redeemed_by_20_at_once_succeeds_once() -> None:
    coupon = await create_coupon(max_uses=1)
    variant = await create_variant(stock=100)
    carts = [await ready_cart((variant, 1)) for _ in range(20)]
    for cart in carts:
        await details.apply_coupon(cart=cart, code=coupon.code, user_id=None, email=None)

    outcomes = await asyncio.gather(*(place(cart) for cart in carts), return_exceptions=True)

    placed = [o for o in outcomes if isinstance(o, CheckoutResult)]
    refused = [_codes(o) for o in outcomes if not isinstance(o, CheckoutResult)]
    assert len(placed) == 1
    assert refused == [["COUPON_USAGE_LIMIT"]] * 19
    assert (await Coupon.get(id=coupon.id)).used_count == 1
    assert await CouponRedemption.filter(coupon_id=coupon.id).count() == 1
    assert (await Variant.get(id=variant.id)).stock == 99
