"""Races that only PostgreSQL can show: stock, idempotency keys, coupon uses and cart lines."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from models.catalog import Variant
from models.orders import Cart, CartLine, Coupon, CouponRedemption, Order
from services.errors import DomainError, DomainErrors
from services.orders import cart as cart_service
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


async def test_20_concurrent_adds_of_one_variant_add_up() -> None:
    # Given an empty cart and a variant with plenty of stock
    variant = await create_variant(stock=500)
    cart = await cart_service.create_cart(user_id=None)
    quantities = [1 + i % 4 for i in range(20)]  # 1, 2, 3, 4, 1, ...: 50 units in all

    # When 20 adds of that variant run at once (the first ones race to create the line)
    outcomes = await asyncio.gather(
        *(cart_service.add_line(cart=cart, variant_id=variant.id, quantity=q) for q in quantities),
        return_exceptions=True,
    )

    # Then none failed, there is one line, and its quantity is the sum of the adds
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    lines = await CartLine.filter(cart_id=cart.id)
    assert [(line.variant_id, line.quantity) for line in lines] == [(variant.id, sum(quantities))]


async def test_concurrent_first_adds_in_two_currencies_leave_one_currency() -> None:
    euro = await create_variant(stock=100)
    pound = await create_variant(stock=100)
    await Variant.filter(id=pound.id).update(currency="GBP")
    cart = await cart_service.create_cart(user_id=None)

    outcomes = await asyncio.gather(
        *(cart_service.add_line(cart=cart, variant_id=v.id, quantity=1) for v in [euro, pound] * 5),
        return_exceptions=True,
    )

    fresh = await Cart.get(id=cart.id)
    currencies = {
        line.variant.currency
        for line in await CartLine.filter(cart_id=cart.id).select_related("variant")
    }
    assert currencies == {fresh.currency}
    refused = [_codes(o) for o in outcomes if isinstance(o, BaseException)]
    assert refused == [["CURRENCY_MISMATCH"]] * 5


async def test_two_concurrent_first_orders_use_a_new_customers_coupon_once() -> None:
    # Given one new customer with five carts (by e-mail), each holding a first-order coupon
    coupon = await create_coupon(new_customers_only=True)
    variant = await create_variant(stock=100)
    email = f"{uuid.uuid4().hex}@example.com"
    carts = [await ready_cart((variant, 1), email=email) for _ in range(5)]
    for cart in carts:
        await details.apply_coupon(cart=cart, code=coupon.code, user_id=None, email=None)

    # When all five check out at once
    outcomes = await asyncio.gather(*(place(cart) for cart in carts), return_exceptions=True)

    # Then exactly one order got the coupon; the others were told it is for a first order
    placed = [o for o in outcomes if isinstance(o, CheckoutResult)]
    refused = [_codes(o) for o in outcomes if not isinstance(o, CheckoutResult)]
    assert len(placed) == 1
    assert refused == [["COUPON_NEW_CUSTOMERS_ONLY"]] * 4
    assert await CouponRedemption.filter(coupon_id=coupon.id).count() == 1
    assert (await Variant.get(id=variant.id)).stock == 99
