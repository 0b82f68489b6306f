"""Referrals end to end: a member shares a code, a friend applies it before their first
purchase, and when the friend's first order is delivered both earn once; a friend who ships
to the referrer's address is refused as a self-referral, recorded with why."""

from __future__ import annotations

from typing import Any

import pytest

from models.membership import PointsEntry, Referral, ReferralStatus, RuleKind
from models.orders import DeliveryMethod
from services.membership import ledger
from services.orders import fulfilment
from services.orders.lifecycle import Actor
from tests.factories import auth_headers, create_address, create_user, create_variant
from tests.membership._helpers import settle
from tests.orders._helpers import place, ready_cart

pytestmark = pytest.mark.usefixtures("app")
STAFF = Actor("staff", None)
CODE = "{ me { membership { referralCode } } }"
APPLY = """
mutation Apply($code: String!) {
  membershipApplyReferral(code: $code) { applied errors { field code } }
}
"""


async def _code(gql: Any, user: Any) -> str:
    body = await gql(CODE, **auth_headers(user))
    code = body["data"]["me"]["membership"]["referralCode"]
    assert isinstance(code, str) and len(code) == 8
    return code


async def _apply(gql: Any, user: Any, code: str) -> dict[str, Any]:
    body = await gql(APPLY, {"code": code}, **auth_headers(user))
    return body["data"]["membershipApplyReferral"]


async def _first_order_delivered(user: Any) -> None:
    cart = await ready_cart(
        (await create_variant(price="30.00", stock=5), 1),
        user=user,
        method=DeliveryMethod.STANDARD,
    )
    order = (await place(cart, user=user)).order
    await fulfilment.fulfill_order(order_id=order.id, actor=STAFF)
    await fulfilment.mark_shipped(order_id=order.id, actor=STAFF)
    await fulfilment.mark_delivered(order_id=order.id, actor=STAFF)
    await settle()


async def test_both_earn_once_when_the_friends_first_order_is_delivered(gql: Any, rule) -> None:
    await rule(RuleKind.REFERRAL, points=500)
    anna, tom = await create_user(), await create_user()
    code = await _code(gql, anna)
    assert await _code(gql, anna) == code  # the same code every time

    assert await _apply(gql, tom, code.lower()) == {"applied": True, "errors": []}
    await _first_order_delivered(tom)
    await _first_order_delivered(tom)  # a second order earns no second referral

    assert (await ledger.balances(anna.id)).available == 500
    referral = await Referral.get(friend_id=tom.id)
    assert referral.status == ReferralStatus.REWARDED
    # Tom's referral points, once, beside his purchase points
    welcome = await PointsEntry.filter(user_id=tom.id, reference__startswith="referred:")
    assert [entry.points for entry in welcome] == [500]


async def test_a_friend_shipping_to_the_referrers_address_is_refused(gql: Any, rule) -> None:
    await rule(RuleKind.REFERRAL, points=500)
    anna, tom = await create_user(), await create_user()
    await create_address(anna)  # the same street the friend's order goes to
    assert (await _apply(gql, tom, await _code(gql, anna)))["applied"] is True

    await _first_order_delivered(tom)

    referral = await Referral.get(friend_id=tom.id)
    assert referral.status == ReferralStatus.REFUSED
    assert "shared address" in referral.reason
    assert (await ledger.balances(anna.id)).available == 0


async def test_codes_are_checked(gql: Any, rule) -> None:
    anna, tom, late = await create_user(), await create_user(), await create_user()
    code = await _code(gql, anna)

    assert (await _apply(gql, anna, code))["errors"] == [{"field": "code", "code": "SELF_REFERRAL"}]
    assert (await _apply(gql, tom, "NOPE1234"))["errors"] == [
        {"field": "code", "code": "REFERRAL_INVALID"}
    ]
    assert (await _apply(gql, tom, code))["applied"] is True
    assert (await _apply(gql, tom, code))["errors"] == [
        {"field": "code", "code": "REFERRAL_INVALID"}
    ]
    # After a first purchase it is too late
    await _first_order_delivered(late)
    assert (await _apply(gql, late, code))["errors"] == [
        {"field": "code", "code": "REFERRAL_INVALID"}
    ]
