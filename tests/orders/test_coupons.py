"""Coupons: every refusal code, creation rules, and atomic redemption."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.catalog import Product
from models.orders import Cart, Coupon, CouponKind, CouponRedemption
from services.errors import DomainError
from services.orders import cart as cart_service
from services.orders import coupons as coupon_service
from services.orders import details
from services.orders.coupons import CouponSpec
from tests.factories import (
    create_category,
    create_coupon,
    create_order,
    create_user,
    create_variant,
    unique,
)
from tests.orders._helpers import place, ready_cart

pytestmark = pytest.mark.usefixtures("database")
D = Decimal
NOW = datetime.now(UTC)


async def _cart_of(price: str = "20.00", quantity: int = 1) -> Cart:
    cart = await cart_service.create_cart(user_id=None)
    variant = await create_variant(price=price, stock=10)
    await cart_service.add_line(cart=cart, variant_id=variant.id, quantity=quantity)
    return cart


async def _apply(cart: Cart, code: str, **who: Any) -> str | None:
    try:
        await details.apply_coupon(
            cart=cart, code=code, user_id=who.get("user_id"), email=who.get("email")
        )
    except DomainError as refused:
        assert refused.field == "code"
        return refused.code
    return None


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"is_active": False}, "COUPON_NOT_FOUND"),
        ({"ends_at": NOW - timedelta(minutes=1)}, "COUPON_EXPIRED"),
        ({"starts_at": NOW + timedelta(days=1)}, "COUPON_NOT_STARTED"),
        ({"max_uses": 5, "used_count": 5}, "COUPON_USAGE_LIMIT"),
        ({"min_spend": D("20.01")}, "COUPON_MIN_SPEND"),
        ({"product_ids": [-1]}, "COUPON_NOT_APPLICABLE"),
    ],
)
async def test_refusals(overrides: dict[str, Any], code: str) -> None:
    coupon = await create_coupon(**overrides)
    cart = await _cart_of("20.00")
    assert await _apply(cart, coupon.code) == code
    assert (await Cart.get(id=cart.id)).coupon_codes == []


async def test_unknown_code_is_not_found() -> None:
    assert await _apply(await _cart_of(), "NO-SUCH-COUPON") == "COUPON_NOT_FOUND"


async def test_min_spend_is_met_exactly_at_the_minimum() -> None:
    coupon = await create_coupon(min_spend=D("20.00"))
    assert await _apply(await _cart_of("20.00"), coupon.code) is None


async def test_new_customers_only_refuses_anyone_with_a_paid_order() -> None:
    coupon = await create_coupon(new_customers_only=True)
    newcomer, regular = await create_user(), await create_user()
    await create_order(regular, status="paid")
    assert await _apply(await _cart_of(), coupon.code, user_id=newcomer.id) is None
    assert (
        await _apply(await _cart_of(), coupon.code, user_id=regular.id)
        == "COUPON_NEW_CUSTOMERS_ONLY"
    )
    # A guest is recognised by email too.
    assert (
        await _apply(await _cart_of(), coupon.code, email=regular.email)
        == "COUPON_NEW_CUSTOMERS_ONLY"
    )


async def test_per_customer_limit_counts_by_account_and_by_email() -> None:
    coupon = await create_coupon(per_customer_limit=1)
    user = await create_user()
    order = await create_order(user)
    await CouponRedemption.create(coupon=coupon, order=order, user_id=user.id, email=user.email)
    assert await _apply(await _cart_of(), coupon.code, user_id=user.id) == "COUPON_USAGE_LIMIT"
    assert await _apply(await _cart_of(), coupon.code, email=user.email) == "COUPON_USAGE_LIMIT"
    assert await _apply(await _cart_of(), coupon.code, user_id=(await create_user()).id) is None


async def test_category_scope_includes_descendants() -> None:
    root = await create_category()
    leaf = await create_category(parent=await create_category(parent=root))
    coupon = await create_coupon(category_ids=[root.id])
    cart = await _cart_of()
    assert await _apply(cart, coupon.code) == "COUPON_NOT_APPLICABLE"
    variant = await create_variant()
    await Product.filter(id=variant.product_id).update(category_id=leaf.id)
    await cart_service.add_line(cart=cart, variant_id=variant.id, quantity=1)
    assert await _apply(cart, coupon.code) is None


async def test_redemption_is_conditional_on_uses_left() -> None:
    coupon = await create_coupon(max_uses=1)
    cart = await ready_cart((await create_variant(), 1))
    await details.apply_coupon(cart=cart, code=coupon.code, user_id=None, email=None)
    # The last use goes elsewhere between applying and ordering.
    await Coupon.filter(id=coupon.id).update(used_count=1)
    with pytest.raises(DomainError) as caught:
        await place(cart)
    assert caught.value.code == "COUPON_USAGE_LIMIT"
    assert (await Cart.get(id=cart.id)).status == "open"  # nothing half-written


async def test_placing_an_order_redeems_and_cancelling_releases() -> None:
    from services.orders import refunds
    from services.orders.lifecycle import SYSTEM

    coupon = await create_coupon(max_uses=3)
    cart = await ready_cart((await create_variant(price="10.00"), 1))
    await details.apply_coupon(cart=cart, code=coupon.code, user_id=None, email=None)
    result = await place(cart)
    assert result.order.discount_total == D("1.00")
    assert (await Coupon.get(id=coupon.id)).used_count == 1
    redemption = await CouponRedemption.get(order_id=result.order.id)
    assert (redemption.email, redemption.amount) == ("guest@example.com", D("1.00"))
    await refunds.cancel_order(order_id=result.order.id, actor=SYSTEM)
    assert (await Coupon.get(id=coupon.id)).used_count == 0
    assert not await CouponRedemption.filter(order_id=result.order.id).exists()


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (CouponSpec(code="x", kind=CouponKind.PERCENTAGE, value=D(10)), "code"),
        (CouponSpec(code="BIGPCT", kind=CouponKind.PERCENTAGE, value=D(101)), "value"),
        (CouponSpec(code="ZEROFIX", kind=CouponKind.FIXED_AMOUNT, value=D(0)), "value"),
        (
            CouponSpec(code="SPENDX", kind=CouponKind.SPEND_THRESHOLD, value=D(10)),
            "thresholdAmount",
        ),
        (
            CouponSpec(
                code="BACKWARDS",
                kind=CouponKind.FREE_SHIPPING,
                starts_at=NOW,
                ends_at=NOW - timedelta(days=1),
            ),
            "endsAt",
        ),
        (CouponSpec(code="NOUSES", kind=CouponKind.FREE_SHIPPING, max_uses=0), "maxUses"),
        (
            CouponSpec(code="NOCAT", kind=CouponKind.FREE_SHIPPING, category_ids=(-1,)),
            "categoryIds",
        ),
    ],
)
async def test_create_coupon_checks_its_values(spec: CouponSpec, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        await coupon_service.create_coupon(spec=spec)
    assert (caught.value.code, caught.value.field) == ("COUPON_INVALID", field)


async def test_create_coupon_upper_cases_and_refuses_duplicates() -> None:
    code = unique("toys").replace("-", "")
    coupon = await coupon_service.create_coupon(
        spec=CouponSpec(code=code, kind=CouponKind.PERCENTAGE, value=D("10"))
    )
    assert coupon.code == code.upper()
    with pytest.raises(DomainError) as caught:
        await coupon_service.create_coupon(
            spec=CouponSpec(code=code.upper(), kind=CouponKind.FREE_SHIPPING)
        )
    assert caught.value.code == "COUPON_CODE_TAKEN"
    assert coupon_service.describe(coupon) == f"10% off with {coupon.code}"
