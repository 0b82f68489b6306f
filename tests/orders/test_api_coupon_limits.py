"""cart.problems and checkoutComplete apply one rule for who the customer is."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from strawberry.relay import to_base64

from services.orders import details
from tests.factories import auth_headers, create_coupon, create_user, create_variant
from tests.orders._helpers import place, ready_cart

ERRORS = "errors { field code message }"
ADD = f"mutation($v: ID!) {{ cartAddLine(variantId: $v, quantity: 1) {{ {ERRORS} }} }}"
EMAIL = f"mutation($e: String!) {{ checkoutSetEmail(email: $e) {{ cart {{ email }} {ERRORS} }} }}"
ADDRESS = f"""mutation {{ checkoutSetShippingAddress(address: {{fullName: "Alex Example",
  line1: "Main Street 1", city: "Berlin", postalCode: "10115", country: "DE"}}) {{ {ERRORS} }} }}"""
DELIVERY = f"mutation {{ checkoutSetDelivery(method: STANDARD) {{ {ERRORS} }} }}"
PAYMENT = f'mutation {{ checkoutSetPaymentMethod(method: "test") {{ {ERRORS} }} }}'
COUPON = f"mutation($c: String!) {{ checkoutApplyCoupon(code: $c) {{ {ERRORS} }} }}"
PROBLEMS = "query { cart { couponCodes problems { code field } } }"
COMPLETE = f"""mutation($k: String!) {{
  checkoutComplete(idempotencyKey: $k, paymentToken: "tok_visa") {{
    order {{ email }} {ERRORS} }} }}"""

pytestmark = pytest.mark.usefixtures("app")


async def _ok(gql: Any, query: str, field: str, me: dict[str, str], **variables: Any) -> None:
    body = await gql(query, variables, **me)
    assert "errors" not in body, body
    assert body["data"][field]["errors"] == [], body


async def test_problems_and_checkout_agree_on_a_per_customer_limit(gql: Any) -> None:
    # Given a customer whose cart has a once-per-customer coupon and another contact e-mail
    user = await create_user()
    me = auth_headers(user)
    coupon = await create_coupon(per_customer_limit=1)
    variant = await create_variant(stock=10)
    await _ok(gql, ADD, "cartAddLine", me, v=to_base64("Variant", variant.id))
    await _ok(gql, EMAIL, "checkoutSetEmail", me, e="another@example.com")
    await _ok(gql, ADDRESS, "checkoutSetShippingAddress", me)
    await _ok(gql, DELIVERY, "checkoutSetDelivery", me)
    await _ok(gql, PAYMENT, "checkoutSetPaymentMethod", me)
    await _ok(gql, COUPON, "checkoutApplyCoupon", me, c=coupon.code)
    clean = await gql(PROBLEMS, **me)
    assert clean["data"]["cart"] == {"couponCodes": [coupon.code], "problems": []}

    # When the coupon is used once under their account e-mail (as a guest, meanwhile)
    guest = await ready_cart((variant, 1), email=user.email)
    await details.apply_coupon(cart=guest, code=coupon.code, user_id=None, email=None)
    assert (await place(guest)).order.coupon_codes == [coupon.code]

    # Then cart.problems reports the limit, and checkoutComplete refuses with the same code
    problems = (await gql(PROBLEMS, **me))["data"]["cart"]["problems"]
    assert problems == [{"code": "COUPON_USAGE_LIMIT", "field": "code"}]
    body = await gql(COMPLETE, {"k": uuid.uuid4().hex}, **me)
    result = body["data"]["checkoutComplete"]
    assert result["order"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("COUPON_USAGE_LIMIT", "code")]


async def test_a_signed_in_checkout_uses_the_email_set_at_checkout(gql: Any) -> None:
    user = await create_user()
    me = auth_headers(user)
    await _ok(gql, ADD, "cartAddLine", me, v=to_base64("Variant", (await create_variant()).id))
    await _ok(gql, EMAIL, "checkoutSetEmail", me, e="Receipts@Example.com")
    await _ok(gql, ADDRESS, "checkoutSetShippingAddress", me)
    await _ok(gql, DELIVERY, "checkoutSetDelivery", me)
    await _ok(gql, PAYMENT, "checkoutSetPaymentMethod", me)

    body = await gql(COMPLETE, {"k": uuid.uuid4().hex}, **me)

    result = body["data"]["checkoutComplete"]
    assert result["errors"] == [], result
    assert result["order"] == {"email": "receipts@example.com"}
    assert user.email != "receipts@example.com"
