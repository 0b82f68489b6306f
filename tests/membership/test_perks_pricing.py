"""Each perk in pricing, and points at checkout: the tier discount, free delivery from the
tier's threshold, early flash access, the points multiplier, and spending points with the
order (max share, whole points, back on cancellation), also from concurrent checkouts."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.membership import MemberAccount, PointsEntry, Tier
from models.orders import Order, OrderStatus
from services.errors import DomainError
from services.membership import PaidLine, admin, ledger, perks_for
from services.orders import details, refunds
from services.orders.lifecycle import Actor
from services.orders.pricing import price_cart
from tests.conftest import using_postgres
from tests.factories import auth_headers, create_flash_price, create_user, create_variant
from tests.membership._helpers import settle
from tests.membership.conftest import earn
from tests.orders._helpers import place, ready_cart

pytestmark = pytest.mark.usefixtures("app")
D = Decimal


async def _member(tier: Tier | None = None):  # type: ignore[no-untyped-def]
    user = await create_user()
    if tier is not None:
        await MemberAccount.create(user_id=user.id, tier_id=tier.id)
    return user


async def _cart(user, price: str = "20.00", quantity: int = 1):  # type: ignore[no-untyped-def]
    return await ready_cart((await create_variant(price=price, stock=50), quantity), user=user)


async def test_the_tier_discount_comes_off_each_line_with_a_note(ladder) -> None:
    gold, plain = await _member(ladder["gold"]), await _member()
    priced = await price_cart(cart=await _cart(gold, "20.00", 2))
    assert priced.member_discount == D("4.00")
    assert priced.lines[0].notes == ["Gold members: 10% off"]
    assert priced.discount_total == D("4.00")
    assert (await price_cart(cart=await _cart(plain, "20.00", 2))).member_discount == D("0.00")


async def test_free_delivery_from_the_tier_threshold(ladder) -> None:
    silver, plain = await _member(ladder["silver"]), await _member()
    priced = await price_cart(cart=await _cart(silver, "25.00"))
    # 25.00 less 5% = 23.75 of goods, above Silver's 20.00: no fee
    assert (priced.delivery_fee, priced.delivery_note) == (
        D("0.00"),
        "Free delivery for Silver members from 20.00",
    )
    assert (await price_cart(cart=await _cart(plain, "25.00"))).delivery_fee == D("4.95")


async def test_early_flash_access_sees_a_flash_price_before_it_starts(ladder) -> None:
    silver, plain = await _member(ladder["silver"]), await _member()
    variant = await create_variant(price="30.00", stock=10)
    await create_flash_price(
        variant, price="18.00", starts_in=timedelta(hours=1), ends_in=timedelta(hours=5)
    )
    for user, expected in ((silver, D("18.00")), (plain, D("30.00"))):
        cart = await ready_cart((variant, 1), user=user)
        assert (await price_cart(cart=cart)).lines[0].unit_price == expected


async def test_the_points_multiplier_of_the_tier_applies_when_earning(ladder, rule, terms) -> None:
    await terms(pending_days=0)
    await rule(points_per_unit=D(1))
    silver = await _member(ladder["silver"])
    earned = await earn(silver.id, PaidLine(1, 1, D("41.00")))
    assert earned.points == 61  # 41 x 1.5 = 61.5, never rounded up


async def test_perks_for_exposes_the_after_sales_priority_and_birthday_coupon(ladder) -> None:
    perks = await perks_for((await _member(ladder["gold"])).id)
    assert (perks.aftersales_priority, perks.birthday_coupon_percent) == (2, D(15))
    assert (await perks_for(None)).aftersales_priority == 0


async def test_points_pay_at_most_the_share_of_the_order_in_whole_points(terms) -> None:
    await terms(min_redeem=100, max_share=D("0.5"), point_values={"EUR": "0.03"})
    user = await _member()
    await admin.adjust(user_id=user.id, points=2000, reason="test", key=uuid.uuid4().hex)
    cart = await _cart(user, "15.00")
    cart.delivery_method = "store_pickup"
    await cart.save()
    await details.set_points(cart=cart, points=2000, user_id=user.id)
    priced = await price_cart(cart=cart)
    # Half of 15.00 is 7.50: 250 points (7.50 / 0.03) and not one more
    assert (priced.points.points_used, priced.points.amount, priced.total) == (
        250,
        D("7.50"),
        D("7.50"),
    )


async def test_points_spent_at_checkout_come_back_when_the_order_is_cancelled(terms) -> None:
    await terms(min_redeem=100, max_share=D("0.5"), point_values={"EUR": "0.01"})
    user = await _member()
    await admin.adjust(user_id=user.id, points=1000, reason="test", key=uuid.uuid4().hex)
    cart = await _cart(user, "20.00")
    await details.set_points(cart=cart, points=500, user_id=user.id)

    result = await place(cart, user=user)

    order = result.order
    assert order.points_discount == D("5.00")
    spend = await PointsEntry.get(order_id=order.id, kind="spend")
    assert spend.points == -500
    assert (await ledger.balances(user.id)).available == 500
    await refunds.cancel_order(order_id=order.id, actor=Actor("customer", user.id))
    await settle()
    assert (await ledger.balances(user.id)).available == 1000


@pytest.mark.skipif(
    not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
)
async def test_a_checkout_racing_staff_deductions_of_the_same_points_lets_one_win(terms) -> None:
    # A member has one open cart, so the race is the checkout against five staff deductions
    await terms(min_redeem=100, max_share=D("0.5"), point_values={"EUR": "0.01"})
    user = await _member()
    await admin.adjust(user_id=user.id, points=1000, reason="test", key=uuid.uuid4().hex)
    cart = await _cart(user, "20.00")
    await details.set_points(cart=cart, points=600, user_id=user.id)
    quoted = await price_cart(cart=cart)
    assert quoted.points.points_used == 600  # 6.00 of the 12.47 due (half is 6.23)

    async def checkout() -> bool:
        try:
            await place(cart, user=user)
        except DomainError as refused:
            assert refused.code == "POINTS_INVALID"
            return False
        return True

    async def deduct() -> bool:
        try:
            await admin.adjust(user_id=user.id, points=-600, reason="race", key=uuid.uuid4().hex)
        except DomainError as refused:
            assert refused.code == "INSUFFICIENT_POINTS"
            return False
        return True

    outcomes = await asyncio.gather(checkout(), *(deduct() for _ in range(5)))

    # The checkout prices with what is available when it runs (600, or the 400 a deduction
    # left), so it may succeed beside one deduction; never do more than 1000 points go.
    deducted = outcomes[1:].count(True)
    assert deducted <= 1
    order = await Order.get_or_none(user_id=user.id, status=OrderStatus.PAID)
    spent = 0
    if order is not None:
        spent = -(await PointsEntry.get(order_id=order.id, kind="spend")).points
        assert order.points_discount == D(spent) / 100
    assert spent + 600 * deducted <= 1000
    assert (await ledger.balances(user.id)).available == 1000 - spent - 600 * deducted


CART_PREVIEW = "{ cart { pointsToEarn totals { total { amount } } } }"


async def test_the_cart_says_how_many_points_it_would_earn(gql: Any, ladder, rule) -> None:
    await rule(points_per_unit=D(1))
    silver = await _member(ladder["silver"])
    await _cart(silver, "30.00", 2)
    body = await gql(CART_PREVIEW, **auth_headers(silver))
    # 60.00 less Silver's 5% = 57.00 of goods, x 1.5 = 85.5: 85 points
    assert body["data"]["cart"]["pointsToEarn"] == 85
