"""Pricing: totals by hand, flash prices, coupons per line, delivery fees, stacking, points."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from models.catalog import Product, Variant
from models.orders import Cart, CouponKind, DeliveryMethod
from services.errors import DomainError
from services.orders import cart as cart_service
from services.orders import details
from services.orders.pricing import price_cart
from tests.factories import (
    create_category,
    create_coupon,
    create_flash_price,
    create_user,
    create_variant,
)

pytestmark = pytest.mark.usefixtures("database")
D = Decimal


async def _cart(*lines: tuple[Variant, int], method: DeliveryMethod | None = None) -> Cart:
    cart = await cart_service.create_cart(user_id=None)
    for variant, quantity in lines:
        await cart_service.add_line(cart=cart, variant_id=variant.id, quantity=quantity)
    if method is not None:
        await details.set_delivery(cart=cart, method=method)
    return cart


async def test_totals_by_hand_with_flash_price_and_percentage_coupon() -> None:
    # Given 2 x 12.50 and 1 x 20.00 on a flash price of 15.00, and 10% off everything
    plain, flashed = await create_variant(price="12.50"), await create_variant(price="20.00")
    await create_flash_price(flashed, price="15.00")
    await create_flash_price(flashed, price="18.00")  # two running: the lowest wins
    coupon = await create_coupon(kind=CouponKind.PERCENTAGE, value=D("10"))
    cart = await _cart((plain, 2), (flashed, 1), method=DeliveryMethod.STANDARD)
    await details.apply_coupon(cart=cart, code=coupon.code.lower(), user_id=None, email=None)

    # When it is priced
    pricing = await price_cart(cart=cart)

    # Then: subtotal 25.00 + 15.00 = 40.00; 10% = 2.50 + 1.50 = 4.00; goods 36.00 < 50 so
    # standard delivery costs 4.95; total 40.00 + 4.95 - 4.00 = 40.95
    a, b = pricing.lines
    assert (a.unit_price, a.subtotal, a.discount, a.total) == (
        D("12.50"),
        D("25.00"),
        D("2.50"),
        D("22.50"),
    )
    assert (b.unit_price, b.list_price, b.discount, b.total) == (
        D("15.00"),
        D("20.00"),
        D("1.50"),
        D("13.50"),
    )
    assert re.fullmatch(r"Flash price until (\d\d \w\w\w )?\d\d:\d\d UTC", b.notes[0])
    assert b.notes[1] == f"10% off with {coupon.code}"
    assert a.notes == [f"10% off with {coupon.code}"]
    assert pricing.subtotal == D("40.00")
    assert [(d.code, d.amount) for d in pricing.discounts] == [(coupon.code, D("4.00"))]
    assert pricing.delivery_fee == D("4.95")
    assert pricing.points.amount == D("0.00")
    assert pricing.total == D("40.95")
    assert pricing.problems == []


async def test_an_expired_or_future_flash_price_does_not_apply() -> None:
    variant = await create_variant(price="30.00")
    await create_flash_price(
        variant, price="1.00", starts_in=-timedelta(hours=3), ends_in=-timedelta(hours=1)
    )
    await create_flash_price(
        variant, price="2.00", starts_in=timedelta(hours=1), ends_in=timedelta(hours=3)
    )
    pricing = await price_cart(cart=await _cart((variant, 1)))
    assert pricing.lines[0].unit_price == D("30.00")
    assert pricing.lines[0].notes == []


@pytest.mark.parametrize(
    ("method", "quantity", "fee"),
    [
        (DeliveryMethod.STANDARD, 2, "4.95"),
        (DeliveryMethod.STANDARD, 3, "0.00"),  # 60.00 of goods: free from 50.00
        (DeliveryMethod.EXPRESS, 3, "9.95"),
        (DeliveryMethod.PARCEL_LOCKER, 1, "3.95"),
        (DeliveryMethod.STORE_PICKUP, 1, "0.00"),
    ],
)
async def test_delivery_fees(method: DeliveryMethod, quantity: int, fee: str) -> None:
    variant = await create_variant(price="20.00", stock=10)
    pricing = await price_cart(cart=await _cart((variant, quantity), method=method))
    assert pricing.delivery_fee == D(fee)
    assert pricing.total == D("20.00") * quantity + D(fee)


async def test_free_standard_delivery_counts_goods_after_discount() -> None:
    variant = await create_variant(price="52.00")
    coupon = await create_coupon(kind=CouponKind.FIXED_AMOUNT, value=D("5.00"))
    cart = await _cart((variant, 1), method=DeliveryMethod.STANDARD)
    assert (await price_cart(cart=cart)).delivery_fee == D("0.00")
    await details.apply_coupon(cart=cart, code=coupon.code, user_id=None, email=None)
    pricing = await price_cart(cart=cart)
    # 52.00 - 5.00 = 47.00 of goods is below 50.00: standard delivery is charged again.
    assert pricing.delivery_fee == D("4.95")
    assert pricing.total == D("51.95")


async def test_stacking_one_goods_coupon_plus_free_shipping() -> None:
    variant = await create_variant(price="10.00")
    percent = await create_coupon(kind=CouponKind.PERCENTAGE, value=D("20"))
    fixed = await create_coupon(kind=CouponKind.FIXED_AMOUNT, value=D("3.00"))
    free = await create_coupon(kind=CouponKind.FREE_SHIPPING)
    free_too = await create_coupon(kind=CouponKind.FREE_SHIPPING)
    cart = await _cart((variant, 2), method=DeliveryMethod.EXPRESS)
    await details.apply_coupon(cart=cart, code=percent.code, user_id=None, email=None)
    for second in (fixed, free_too):
        if second is free_too:
            await details.apply_coupon(cart=cart, code=free.code, user_id=None, email=None)
        with pytest.raises(DomainError) as caught:
            await details.apply_coupon(cart=cart, code=second.code, user_id=None, email=None)
        assert caught.value.code == "COUPON_NOT_STACKABLE"
    pricing = await price_cart(cart=cart)
    # 20.00 - 20% (4.00) + express 9.95 - free delivery 9.95 = 16.00
    assert [(d.kind, d.amount) for d in pricing.discounts] == [
        (CouponKind.PERCENTAGE, D("4.00")),
        (CouponKind.FREE_SHIPPING, D("9.95")),
    ]
    assert pricing.total == D("16.00")
    await details.remove_coupon(cart=cart, code=percent.code.lower())
    await details.apply_coupon(cart=cart, code=fixed.code, user_id=None, email=None)
    assert (await price_cart(cart=cart)).total == D("17.00")


async def test_scoped_coupons_reduce_only_lines_in_scope_and_never_below_zero() -> None:
    # Given a category tree toys > puzzles, a puzzle, and a product elsewhere
    toys = await create_category()
    puzzles = await create_category(parent=toys)
    puzzle, other = await create_variant(price="3.00"), await create_variant(price="40.00")
    await Product.filter(id=puzzle.product_id).update(category_id=puzzles.id)
    fixed = await create_coupon(
        kind=CouponKind.FIXED_AMOUNT, value=D("5.00"), category_ids=[toys.id]
    )
    cart = await _cart((puzzle, 1), (other, 1))

    # When a 5.00-off coupon for toys (descendants included) is applied
    await details.apply_coupon(cart=cart, code=fixed.code, user_id=None, email=None)
    pricing = await price_cart(cart=cart)

    # Then only the 3.00 puzzle is reduced, and only to zero
    by_price = {line.list_price: line for line in pricing.lines}
    assert by_price[D("3.00")].discount == D("3.00")
    assert by_price[D("3.00")].total == D("0.00")
    assert by_price[D("40.00")].discount == D("0.00")
    assert pricing.total == D("40.00")


async def test_fixed_amount_is_split_over_lines_to_the_cent() -> None:
    variants = [await create_variant(price=p) for p in ("1.00", "1.00", "1.00")]
    coupon = await create_coupon(kind=CouponKind.FIXED_AMOUNT, value=D("1.00"))
    cart = await _cart(*((v, 1) for v in variants))
    await details.apply_coupon(cart=cart, code=coupon.code, user_id=None, email=None)
    pricing = await price_cart(cart=cart)
    assert sorted(line.discount for line in pricing.lines) == [D("0.33"), D("0.33"), D("0.34")]
    assert pricing.total == D("2.00")


async def test_spend_threshold_needs_the_threshold_on_eligible_items() -> None:
    variant = await create_variant(price="10.00", stock=10)
    coupon = await create_coupon(
        kind=CouponKind.SPEND_THRESHOLD, value=D("5.00"), threshold_amount=D("30.00")
    )
    cart = await _cart((variant, 2))
    with pytest.raises(DomainError) as caught:
        await details.apply_coupon(cart=cart, code=coupon.code, user_id=None, email=None)
    assert caught.value.code == "COUPON_MIN_SPEND"
    await cart_service.add_line(cart=cart, variant_id=variant.id, quantity=1)
    await details.apply_coupon(cart=cart, code=coupon.code, user_id=None, email=None)
    pricing = await price_cart(cart=cart)
    assert pricing.discounts[0].reason == f"Spend 30.00, save 5.00 with {coupon.code}"
    assert pricing.total == D("25.00")
    # Dropping below the threshold turns the coupon into a problem checkout would report.
    line = pricing.lines[0]
    await cart_service.update_line(cart=cart, line_id=line.line_id, quantity=2)
    after = await price_cart(cart=cart)
    assert after.total == D("20.00")
    assert [p.code for p in after.problems] == ["COUPON_MIN_SPEND"]


async def test_points_a_member_does_not_have_take_nothing_off() -> None:
    user, variant = await create_user(), await create_variant(price="10.00")
    cart = await cart_service.create_cart(user_id=user.id)
    await cart_service.add_line(cart=cart, variant_id=variant.id, quantity=1)
    await details.set_points(cart=cart, points=500, user_id=user.id)
    pricing = await price_cart(cart=cart)
    assert pricing.points.amount == D("0.00")
    assert "0 points are available" in pricing.points.note
    assert pricing.total == D("10.00")
    guest = await cart_service.create_cart(user_id=None)
    with pytest.raises(DomainError) as caught:
        await details.set_points(cart=guest, points=1, user_id=None)
    assert caught.value.code == "POINTS_INVALID"
