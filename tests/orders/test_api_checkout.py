"""The checkout over HTTP: from an empty cart to a paid order, for customers and guests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from strawberry.relay import to_base64

from models.catalog import Product, Variant
from tests.factories import auth_headers, create_address, create_coupon, create_user, create_variant

ERRORS = "errors { field code message }"
TOTALS = """totals { subtotal { amount } discounts { code kind amount { amount } reason }
  discountTotal { amount } shipping { amount } shippingNote pointsDiscount { amount }
  total { amount } }"""
CART_PAYLOAD = f"cart {{ id {TOTALS} lines {{ priceNotes total {{ amount }} }} }} {ERRORS}"
ADD = f"""mutation($v: ID!, $q: Int!) {{
  cartAddLine(variantId: $v, quantity: $q) {{ {CART_PAYLOAD} }} }}"""
CREATE = "mutation { cartCreate { cart { token } errors { code } } }"
EMAIL = f"mutation($e: String!) {{ checkoutSetEmail(email: $e) {{ {CART_PAYLOAD} }} }}"
ADDRESS = f"""mutation($a: ShippingAddressInput, $id: ID) {{
  checkoutSetShippingAddress(address: $a, addressId: $id) {{
    cart {{ shippingAddress {{ fullName city country }} }} {ERRORS} }} }}"""
DELIVERY = f"""mutation($m: DeliveryMethod!, $d: Date, $w: String) {{
  checkoutSetDelivery(method: $m, date: $d, window: $w) {{
    cart {{ delivery {{ method date window }} deliveryOptions {{ method fee {{ amount }} }}
      {TOTALS} }} {ERRORS} }} }}"""
PAYMENT = f"""mutation($m: String!) {{ checkoutSetPaymentMethod(method: $m) {{
  cart {{ paymentMethod }} {ERRORS} }} }}"""
COUPON = f"mutation($c: String!) {{ checkoutApplyCoupon(code: $c) {{ {CART_PAYLOAD} }} }}"
POINTS = f"""mutation($p: Int!) {{ checkoutSetPoints(pointsToSpend: $p) {{
  cart {{ pointsToSpend totals {{ pointsDiscount {{ amount }} }} }} {ERRORS} }} }}"""
ORDER_TOTALS = TOTALS.replace("shippingNote ", "")
ORDER = f"""id number status reservedUntil canCancel {ORDER_TOTALS}
  lines {{ productName quantity unitPrice {{ amount }} total {{ amount }} variant {{ sku }} }}
  payments {{ status amount {{ amount }} failureCode }} events {{ kind actor }}"""
COMPLETE = f"""mutation($k: String!, $p: String) {{
  checkoutComplete(idempotencyKey: $k, paymentToken: $p) {{ order {{ {ORDER} }} {ERRORS} }} }}"""
PAY = f"""mutation($o: ID!, $p: String!) {{
  orderPay(orderId: $o, paymentToken: $p) {{ order {{ status }} {ERRORS} }} }}"""
MY_ORDERS = "query { myOrders(first: 5) { totalCount edges { node { number status } } } }"
ORDER_BY_ID = "query($id: ID!) { order(id: $id) { number status } }"

pytestmark = pytest.mark.usefixtures("app")


def _ok(body: dict[str, Any], field: str) -> dict[str, Any]:
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][field]
    assert result["errors"] == [], result["errors"]
    return result


async def test_a_customer_goes_from_cart_to_paid_order(gql: Any) -> None:
    # Given a signed-in customer with a saved address, a 30.00 toy and a 10% coupon
    user = await create_user()
    me = auth_headers(user)
    address = await create_address(user, city="Munich")
    variant = await create_variant(price="30.00", stock=3)
    coupon = await create_coupon(value=10)

    # When they add 2, ship to the saved address by express, pay by test card with TOYS10
    _ok(await gql(ADD, {"v": to_base64("Variant", variant.id), "q": 2}, **me), "cartAddLine")
    shipped = _ok(
        await gql(ADDRESS, {"id": to_base64("Address", address.id)}, **me),
        "checkoutSetShippingAddress",
    )
    assert shipped["cart"]["shippingAddress"]["city"] == "Munich"
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    delivery = _ok(
        await gql(DELIVERY, {"m": "EXPRESS", "d": tomorrow, "w": "09:00-12:00"}, **me),
        "checkoutSetDelivery",
    )
    assert delivery["cart"]["delivery"] == {
        "method": "EXPRESS",
        "date": tomorrow,
        "window": "09:00-12:00",
    }
    fees = {o["method"]: o["fee"]["amount"] for o in delivery["cart"]["deliveryOptions"]}
    assert fees == {
        "STANDARD": "0.00",
        "EXPRESS": "9.95",
        "PARCEL_LOCKER": "3.95",
        "STORE_PICKUP": "0.00",
    }
    _ok(await gql(PAYMENT, {"m": "test"}, **me), "checkoutSetPaymentMethod")
    points = _ok(await gql(POINTS, {"p": 250}, **me), "checkoutSetPoints")
    assert points["cart"]["totals"]["pointsDiscount"]["amount"] == "0.00"
    priced = _ok(await gql(COUPON, {"c": coupon.code.lower()}, **me), "checkoutApplyCoupon")
    totals = priced["cart"]["totals"]
    # 60.00 - 10% (6.00) + express 9.95 = 63.95
    assert totals["discounts"] == [
        {
            "code": coupon.code,
            "kind": "PERCENTAGE",
            "amount": {"amount": "6.00"},
            "reason": f"10% off with {coupon.code}",
        }
    ]
    assert (totals["shipping"]["amount"], totals["total"]["amount"]) == ("9.95", "63.95")
    assert priced["cart"]["lines"][0]["priceNotes"] == [f"10% off with {coupon.code}"]

    key = str(uuid.uuid4())
    placed = _ok(await gql(COMPLETE, {"k": key, "p": "tok_visa"}, **me), "checkoutComplete")

    # Then the order is paid at the priced total, and a retry with the key returns it again
    order = placed["order"]
    assert order["status"] == "PAID" and order["totals"]["total"]["amount"] == "63.95"
    assert order["totals"]["discounts"][0]["code"] == coupon.code
    product = await Product.get(id=variant.product_id)
    assert order["lines"] == [
        {
            "productName": product.name,
            "quantity": 2,
            "unitPrice": {"amount": "30.00"},
            "total": {"amount": "54.00"},
            "variant": {"sku": variant.sku},
        }
    ]
    assert order["payments"] == [
        {"status": "CAPTURED", "amount": {"amount": "63.95"}, "failureCode": None}
    ]
    assert [e["kind"] for e in order["events"]] == ["placed", "paid"]
    retry = _ok(await gql(COMPLETE, {"k": key, "p": "tok_visa"}, **me), "checkoutComplete")
    assert retry["order"]["id"] == order["id"]
    assert (await Variant.get(id=variant.id)).stock == 1
    history = await gql(MY_ORDERS, **me)
    assert history["data"]["myOrders"]["totalCount"] == 1
    assert history["data"]["myOrders"]["edges"][0]["node"] == {
        "number": order["number"],
        "status": "PAID",
    }


async def test_a_guest_is_declined_then_pays_with_another_card(gql: Any) -> None:
    # Given a guest cart ready for checkout
    token = (await gql(CREATE))["data"]["cartCreate"]["cart"]["token"]
    guest = {"X-Cart-Token": token}
    variant = await create_variant(price="10.00", stock=2)
    _ok(await gql(ADD, {"v": to_base64("Variant", variant.id), "q": 2}, **guest), "cartAddLine")
    missing = await gql(COMPLETE, {"k": str(uuid.uuid4())}, **guest)
    assert {e["code"] for e in missing["data"]["checkoutComplete"]["errors"]} == {
        "EMAIL_REQUIRED",
        "DELIVERY_METHOD_REQUIRED",
        "PAYMENT_METHOD_REQUIRED",
    }
    _ok(await gql(EMAIL, {"e": "Guest@Example.com"}, **guest), "checkoutSetEmail")
    incomplete = await gql(
        ADDRESS,
        {"a": {"fullName": "Sam", "line1": "x", "city": "", "postalCode": "1", "country": "DE"}},
        **guest,
    )
    assert incomplete["data"]["checkoutSetShippingAddress"]["errors"] == [
        {"field": "city", "code": "ADDRESS_INCOMPLETE", "message": "city is required."}
    ]
    _ok(
        await gql(
            ADDRESS,
            {
                "a": {
                    "fullName": "Sam",
                    "line1": "x",
                    "city": "Graz",
                    "postalCode": "8010",
                    "country": "at",
                }
            },
            **guest,
        ),
        "checkoutSetShippingAddress",
    )
    _ok(await gql(DELIVERY, {"m": "PARCEL_LOCKER"}, **guest), "checkoutSetDelivery")
    _ok(await gql(PAYMENT, {"m": "test"}, **guest), "checkoutSetPaymentMethod")

    # When the card is declined
    body = await gql(COMPLETE, {"k": str(uuid.uuid4()), "p": "tok_declined"}, **guest)

    # Then the order exists, UNPAID with stock reserved, and the error says why
    result = body["data"]["checkoutComplete"]
    assert result["errors"] == [
        {"field": "paymentToken", "code": "CARD_DECLINED", "message": "The card was declined."}
    ]
    order = result["order"]
    assert order["status"] == "UNPAID" and order["reservedUntil"] is not None
    assert order["payments"][0]["failureCode"] == "CARD_DECLINED"
    assert (await Variant.get(id=variant.id)).stock == 0

    # And paying again with a good card (holding the cart token) pays it; strangers cannot
    stranger = await gql(PAY, {"o": order["id"], "p": "tok_visa"})
    assert stranger["data"]["orderPay"]["errors"][0]["code"] == "ORDER_NOT_FOUND"
    paid = _ok(await gql(PAY, {"o": order["id"], "p": "tok_visa"}, **guest), "orderPay")
    assert paid["order"]["status"] == "PAID"
    assert (await gql(ORDER_BY_ID, {"id": order["id"]}, **guest))["data"]["order"][
        "status"
    ] == "PAID"
    assert (await gql(ORDER_BY_ID, {"id": order["id"]}))["data"]["order"] is None
    assert (await gql(MY_ORDERS))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_coupon_errors_over_http(gql: Any) -> None:
    token = (await gql(CREATE))["data"]["cartCreate"]["cart"]["token"]
    guest = {"X-Cart-Token": token}
    variant = await create_variant(price="10.00")
    _ok(await gql(ADD, {"v": to_base64("Variant", variant.id), "q": 1}, **guest), "cartAddLine")
    minimum = await create_coupon(min_spend=50)
    body = await gql(COUPON, {"c": minimum.code}, **guest)
    assert body["data"]["checkoutApplyCoupon"]["errors"] == [
        {
            "field": "code",
            "code": "COUPON_MIN_SPEND",
            "message": f"{minimum.code} needs a minimum spend of 50.00; the cart is 10.00.",
        }
    ]
    unknown = await gql(COUPON, {"c": "NOPE-NOPE"}, **guest)
    assert unknown["data"]["checkoutApplyCoupon"]["errors"][0]["code"] == "COUPON_NOT_FOUND"
