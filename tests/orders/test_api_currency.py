"""One currency per cart over HTTP: GBP and EUR products, delivery fees, coupons and orders."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from strawberry.relay import to_base64

from models.catalog import Product, Variant
from models.orders import CouponKind
from services.orders.pricing import DELIVERY_TARIFFS
from tests.factories import auth_headers, create_coupon, create_user, create_variant

ERRORS = "errors { field code message }"
CART = """currency lines { unitPrice { amount currency } total { currency } }
  totals { subtotal { amount currency } shipping { amount currency } discountTotal { currency }
           total { amount currency } }
  deliveryOptions { method fee { amount currency } listFee { amount currency } }
  problems { code message }"""
ADD = f"""mutation($v: ID!, $q: Int!) {{
  cartAddLine(variantId: $v, quantity: $q) {{ cart {{ {CART} }} {ERRORS} }} }}"""
REMOVE = f"""mutation($l: ID!) {{ cartRemoveLine(lineId: $l) {{ cart {{ {CART} }} {ERRORS} }} }}"""
LINE_IDS = "query { cart { lines { id } } }"
ADDRESS = f"""mutation {{ checkoutSetShippingAddress(address: {{fullName: "Alex Example",
  line1: "1 High Street", city: "London", postalCode: "SW1A 1AA", country: "GB"}}) {{
  {ERRORS} }} }}"""
DELIVERY = f"""mutation($m: DeliveryMethod!) {{
  checkoutSetDelivery(method: $m) {{ cart {{ {CART} }} {ERRORS} }} }}"""
PAYMENT = f'mutation {{ checkoutSetPaymentMethod(method: "test") {{ {ERRORS} }} }}'
COUPON = f"mutation($c: String!) {{ checkoutApplyCoupon(code: $c) {{ {ERRORS} }} }}"
COMPLETE = f"""mutation($k: String!) {{
  checkoutComplete(idempotencyKey: $k, paymentToken: "tok_visa") {{
    order {{ id currency totals {{ total {{ amount currency }} shipping {{ amount currency }} }}
      lines {{ id unitPrice {{ amount currency }} total {{ currency }} }}
      payments {{ amount {{ amount currency }} }} }}
    {ERRORS} }} }}"""
NODE = """query($id: ID!) { node(id: $id) {
  ... on OrderLine { unitPrice { amount currency } total { currency } } } }"""

pytestmark = pytest.mark.usefixtures("app")


async def _variant(currency: str, price: str) -> Variant:
    """A sellable variant priced in `currency` (its product too, as the importer makes them)."""
    variant = await create_variant(stock=20, price=price)
    await Product.filter(id=variant.product_id).update(currency=currency)
    await Variant.filter(id=variant.id).update(currency=currency)
    return await Variant.get(id=variant.id)


def _gid(variant: Variant) -> str:
    return to_base64("Variant", variant.id)


async def _add(gql: Any, me: dict[str, str], variant: Variant, quantity: int = 1) -> Any:
    body = await gql(ADD, {"v": _gid(variant), "q": quantity}, **me)
    assert "errors" not in body, body
    return body["data"]["cartAddLine"]


async def test_a_cart_takes_the_currency_of_its_first_line_and_refuses_another(gql: Any) -> None:
    # Given a customer, a GBP product (as the Online Retail import makes) and an EUR product
    me = auth_headers(await create_user())
    pound, euro = await _variant("GBP", "12.50"), await _variant("EUR", "19.99")

    # When they add the GBP product
    first = await _add(gql, me, pound, 2)

    # Then the cart, its lines, totals and delivery options are all in GBP
    cart = first["cart"]
    assert first["errors"] == []
    assert cart["currency"] == "GBP"
    assert cart["lines"] == [
        {"unitPrice": {"amount": "12.50", "currency": "GBP"}, "total": {"currency": "GBP"}}
    ]
    assert cart["totals"]["subtotal"] == {"amount": "25.00", "currency": "GBP"}
    assert {t["currency"] for t in cart["totals"].values()} == {"GBP"}
    gbp_fees = {o["method"]: o["listFee"] for o in cart["deliveryOptions"]}
    assert gbp_fees["EXPRESS"] == {"amount": "8.95", "currency": "GBP"}

    # When they add the EUR product to the same cart
    second = await _add(gql, me, euro)

    # Then it is refused, naming both currencies, and the cart is unchanged
    assert second["cart"] is None
    assert [e["code"] for e in second["errors"]] == ["CURRENCY_MISMATCH"]
    assert "GBP" in second["errors"][0]["message"]
    assert "EUR" in second["errors"][0]["message"]
    again = await gql("query { cart { currency itemCount } }", **me)
    assert again["data"]["cart"] == {"currency": "GBP", "itemCount": 2}


async def test_an_emptied_cart_takes_the_currency_of_its_next_first_line(gql: Any) -> None:
    me = auth_headers(await create_user())
    pound, euro = await _variant("GBP", "5.00"), await _variant("EUR", "7.00")
    await _add(gql, me, pound)
    line_id = (await gql(LINE_IDS, **me))["data"]["cart"]["lines"][0]["id"]
    assert (await gql(REMOVE, {"l": line_id}, **me))["data"]["cartRemoveLine"]["errors"] == []

    added = await _add(gql, me, euro)

    assert added["errors"] == []
    assert added["cart"]["currency"] == "EUR"
    assert added["cart"]["totals"]["total"]["currency"] == "EUR"


async def test_a_gbp_order_is_charged_in_gbp_with_gbp_delivery_and_lines(gql: Any) -> None:
    # Given a GBP cart with express delivery
    me = auth_headers(await create_user())
    pound = await _variant("GBP", "10.00")
    await _add(gql, me, pound, 2)
    assert (await gql(ADDRESS, **me))["data"]["checkoutSetShippingAddress"]["errors"] == []
    chosen = await gql(DELIVERY, {"m": "EXPRESS"}, **me)
    assert chosen["data"]["checkoutSetDelivery"]["errors"] == []
    totals = chosen["data"]["checkoutSetDelivery"]["cart"]["totals"]
    assert totals["shipping"] == {"amount": "8.95", "currency": "GBP"}
    assert totals["total"] == {"amount": "28.95", "currency": "GBP"}
    assert (await gql(PAYMENT, **me))["data"]["checkoutSetPaymentMethod"]["errors"] == []

    # When they check out
    body = await gql(COMPLETE, {"k": uuid.uuid4().hex}, **me)

    # Then the order, its lines and its payment are GBP
    result = body["data"]["checkoutComplete"]
    assert result["errors"] == [], result
    order = result["order"]
    assert order["currency"] == "GBP"
    assert order["totals"]["total"] == {"amount": "28.95", "currency": "GBP"}
    assert order["totals"]["shipping"] == {"amount": "8.95", "currency": "GBP"}
    assert order["payments"] == [{"amount": {"amount": "28.95", "currency": "GBP"}}]
    assert [line["unitPrice"] for line in order["lines"]] == [
        {"amount": "10.00", "currency": "GBP"}
    ]

    # And a line read on its own through node(id:) shows its own currency
    node = await gql(NODE, {"id": order["lines"][0]["id"]}, **me)
    assert node["data"]["node"] == {
        "unitPrice": {"amount": "10.00", "currency": "GBP"},
        "total": {"currency": "GBP"},
    }


async def test_a_currency_without_delivery_fees_is_refused_not_charged_in_eur(gql: Any) -> None:
    # Given a cart in a currency with no delivery tariff
    assert "CHF" not in DELIVERY_TARIFFS
    me = auth_headers(await create_user())
    await _add(gql, me, await _variant("CHF", "15.00"))

    # When the shopper chooses a delivery method
    body = await gql(DELIVERY, {"m": "STANDARD"}, **me)

    # Then it is refused with a typed error, and no options are offered
    payload = body["data"]["checkoutSetDelivery"]
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("DELIVERY_NOT_AVAILABLE", "method")
    ]
    cart = (await gql(f"query {{ cart {{ {CART} }} }}", **me))["data"]["cart"]
    assert cart["deliveryOptions"] == []
    assert cart["totals"]["shipping"] == {"amount": "0.00", "currency": "CHF"}


async def test_fixed_amount_coupons_apply_only_in_their_currency(gql: Any) -> None:
    # Given a GBP cart, a 5.00 EUR coupon and a 5.00 GBP coupon
    me = auth_headers(await create_user())
    await _add(gql, me, await _variant("GBP", "20.00"))
    eur = await create_coupon(kind=CouponKind.FIXED_AMOUNT, value="5.00", currency="EUR")
    gbp = await create_coupon(kind=CouponKind.FIXED_AMOUNT, value="5.00", currency="GBP")

    # When each is applied
    refused = await gql(COUPON, {"c": eur.code}, **me)
    accepted = await gql(COUPON, {"c": gbp.code}, **me)

    # Then the EUR amount is refused with both currencies named, the GBP one applies
    errors = refused["data"]["checkoutApplyCoupon"]["errors"]
    assert [e["code"] for e in errors] == ["CURRENCY_MISMATCH"]
    assert "EUR" in errors[0]["message"]
    assert "GBP" in errors[0]["message"]
    assert accepted["data"]["checkoutApplyCoupon"]["errors"] == []
    totals = (await gql("query { cart { totals { total { amount currency } } } }", **me))["data"]
    assert totals["cart"]["totals"]["total"] == {"amount": "15.00", "currency": "GBP"}
