"""Points from real orders: earned on goods paid (no shipping, coupons or points), pending,
reversed by refunds with the lots the lines earned, spent points returned on cancellation,
and sign-up points from `customer.registered`."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from models.membership import EntryKind, PointsEntry, PointsLot, RuleKind
from models.orders import DeliveryMethod
from services.accounts import users
from services.membership import ledger
from services.orders import refunds
from services.orders.lifecycle import Actor
from tests.factories import create_coupon, create_user, create_variant
from tests.membership._helpers import settle
from tests.orders._helpers import place, ready_cart

pytestmark = pytest.mark.usefixtures("app")
STAFF = Actor("staff", None)


async def test_a_paid_order_earns_on_goods_after_coupons_not_on_shipping(rule, terms) -> None:
    # Given 1 point per unit, and an order of 2 x 19.99 with a 10% coupon and paid delivery
    await terms(pending_days=14)
    await rule(points_per_unit=Decimal(1))
    user = await create_user()
    coupon = await create_coupon(kind="percentage", value=Decimal(10))
    cart = await ready_cart((await create_variant(price="19.99", stock=5), 2), user=user)
    cart.coupon_codes = [coupon.code]
    await cart.save()

    # When it is paid and the consumers have run
    result = await place(cart, user=user)
    await settle()

    # Then goods paid 35.98 (39.98 less 4.00) earn 35 pending points; shipping earned nothing
    assert result.order.shipping_total > 0
    balances = await ledger.balances(user.id)
    assert (balances.available, balances.pending) == (0, 35)
    # And the consumers ran again change nothing
    await settle()
    assert await PointsEntry.filter(user_id=user.id, kind=EntryKind.EARN).count() == 1


async def test_a_partial_refund_takes_back_its_share_and_a_full_one_the_rest(rule, terms) -> None:
    await terms(pending_days=0)
    await rule(points_per_unit=Decimal(2))
    user = await create_user()
    cart = await ready_cart(
        (await create_variant(price="30.00", stock=5), 2),
        user=user,
        method=DeliveryMethod.STORE_PICKUP,
    )
    order = (await place(cart, user=user)).order
    await settle()
    assert (await ledger.balances(user.id)).available == 120

    # A quarter of the money back: a quarter of the points go
    await refunds.refund_order(order_id=order.id, amount=Decimal("15.00"), reason="", actor=STAFF)
    await settle()
    assert (await ledger.balances(user.id)).available == 90
    # The rest back: every point the order earned is gone, none twice
    await refunds.refund_order(order_id=order.id, amount=Decimal("45.00"), reason="", actor=STAFF)
    await settle()
    assert (await ledger.balances(user.id)).available == 0
    lot = await PointsLot.get(order_id=order.id)
    assert (lot.points, lot.reversed, lot.remaining) == (120, 120, 0)


async def test_signing_up_earns_the_sign_up_points_once(rule) -> None:
    await rule(RuleKind.SIGNUP, points=300)
    user, _ = await users.register(
        email=f"{uuid.uuid4().hex[:10]}@example.com", password="a long pass phrase 1"
    )
    await settle()
    await settle()
    assert (await ledger.balances(user.id)).available == 300
