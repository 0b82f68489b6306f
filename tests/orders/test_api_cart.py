"""cart, cartCreate and cart line mutations over HTTP; who may read and change which cart."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from strawberry.relay import to_base64

from tests.factories import auth_headers, create_flash_price, create_user, create_variant

ERRORS = "errors { field code message available }"
CART = """
  id token status itemCount
  lines { id quantity productName unitPrice { amount } listPrice { amount }
          subtotal { amount } discount { amount } total { amount } priceNotes variant { sku } }
  totals { subtotal { amount currency } shipping { amount } discountTotal { amount }
           pointsDiscount { amount } total { amount } }
  problems { code }
"""
CREATE = f"mutation {{ cartCreate {{ cart {{ {CART} }} {ERRORS} }} }}"
ADD = f"""
mutation Add($variant: ID!, $quantity: Int!, $token: String) {{
  cartAddLine(variantId: $variant, quantity: $quantity, token: $token) {{
    cart {{ {CART} }} {ERRORS} }}
}}
"""
UPDATE = f"""
mutation Update($line: ID!, $quantity: Int!) {{
  cartUpdateLine(lineId: $line, quantity: $quantity) {{ cart {{ {CART} }} {ERRORS} }}
}}
"""
REMOVE = f"""
mutation Remove($line: ID!) {{ cartRemoveLine(lineId: $line) {{ cart {{ {CART} }} {ERRORS} }} }}
"""
MY_CART = f"query Cart($token: String) {{ cart(token: $token) {{ {CART} }} }}"
NODE = """
query Node($id: ID!) {
  node(id: $id) { id __typename ... on Cart { token } ... on CartLine { quantity } }
}
"""

pytestmark = pytest.mark.usefixtures("app")


def _gid(type_name: str, pk: int) -> str:
    return to_base64(type_name, pk)


def _token(token: str) -> dict[str, str]:
    return {"X-Cart-Token": token}


async def _guest_cart(gql: Any) -> dict[str, Any]:
    body = await gql(CREATE)
    assert body["data"]["cartCreate"]["errors"] == [], body
    cart: dict[str, Any] = body["data"]["cartCreate"]["cart"]
    return cart


async def test_a_guest_fills_a_cart_priced_on_the_server(gql: Any) -> None:
    # Given a guest cart, a variant at 20.00 on a flash price of 15.00, and one at 7.50
    cart = await _guest_cart(gql)
    assert len(cart["token"]) >= 40 and cart["status"] == "OPEN"
    flashed, plain = await create_variant(price="20.00"), await create_variant(price="7.50")
    await create_flash_price(flashed, price="15.00")

    # When both are added (the token once as header, once as argument)
    await gql(ADD, {"variant": _gid("Variant", flashed.id), "quantity": 2}, **_token(cart["token"]))
    body = await gql(
        ADD, {"variant": _gid("Variant", plain.id), "quantity": 1, "token": cart["token"]}
    )

    # Then the server's prices and reasons come back
    result = body["data"]["cartAddLine"]
    assert result["errors"] == []
    first, second = result["cart"]["lines"]
    assert (first["unitPrice"]["amount"], first["listPrice"]["amount"]) == ("15.00", "20.00")
    assert first["priceNotes"][0].startswith("Flash price until")
    assert (second["total"]["amount"], second["priceNotes"]) == ("7.50", [])
    totals = result["cart"]["totals"]
    assert totals["subtotal"] == {"amount": "37.50", "currency": "EUR"}
    assert (totals["shipping"]["amount"], totals["total"]["amount"]) == ("0.00", "37.50")
    assert result["cart"]["itemCount"] == 3


async def test_line_errors_are_data(gql: Any) -> None:
    cart = await _guest_cart(gql)
    headers = _token(cart["token"])
    variant = await create_variant(stock=2)
    too_many = await gql(ADD, {"variant": _gid("Variant", variant.id), "quantity": 3}, **headers)
    assert too_many["data"]["cartAddLine"] == {
        "cart": None,
        "errors": [
            {
                "field": "quantity",
                "code": "INSUFFICIENT_STOCK",
                "message": "Only 2 left in stock.",
                "available": 2,
            }
        ],
    }
    zero = await gql(ADD, {"variant": _gid("Variant", variant.id), "quantity": 0}, **headers)
    assert zero["data"]["cartAddLine"]["errors"][0]["code"] == "QUANTITY_INVALID"
    product_id = await gql(
        ADD, {"variant": _gid("Product", variant.product_id), "quantity": 1}, **headers
    )
    assert product_id["data"]["cartAddLine"]["errors"][0] == {
        "field": "variantId",
        "code": "INVALID_ID",
        "message": "Expected a Variant ID, got a Product ID.",
        "available": None,
    }
    no_cart = await gql(ADD, {"variant": _gid("Variant", variant.id), "quantity": 1})
    assert no_cart["data"]["cartAddLine"]["errors"][0]["code"] == "CART_NOT_FOUND"


async def test_update_and_remove_lines(gql: Any) -> None:
    cart = await _guest_cart(gql)
    headers = _token(cart["token"])
    variant = await create_variant(price="4.00", stock=9)
    added = await gql(ADD, {"variant": _gid("Variant", variant.id), "quantity": 1}, **headers)
    line_id = added["data"]["cartAddLine"]["cart"]["lines"][0]["id"]
    updated = await gql(UPDATE, {"line": line_id, "quantity": 3}, **headers)
    assert updated["data"]["cartUpdateLine"]["cart"]["totals"]["subtotal"]["amount"] == "12.00"
    removed = await gql(UPDATE, {"line": line_id, "quantity": 0}, **headers)
    assert removed["data"]["cartUpdateLine"]["cart"]["lines"] == []
    gone = await gql(REMOVE, {"line": line_id}, **headers)
    assert gone["data"]["cartRemoveLine"]["errors"][0]["code"] == "LINE_NOT_FOUND"


async def test_a_signed_in_customer_gets_their_own_cart_without_a_token(gql: Any) -> None:
    user, variant = await create_user(), await create_variant()
    headers = auth_headers(user)
    body = await gql(ADD, {"variant": _gid("Variant", variant.id), "quantity": 1}, **headers)
    cart = body["data"]["cartAddLine"]["cart"]
    assert (await gql(MY_CART, **headers))["data"]["cart"]["id"] == cart["id"]
    again = await gql(CREATE, **headers)
    assert again["data"]["cartCreate"]["cart"]["id"] == cart["id"]


async def test_another_customers_cart_is_never_exposed(gql: Any) -> None:
    # Given a customer's cart with a line, and its token leaked
    owner, stranger = await create_user(), await create_user()
    variant = await create_variant()
    body = await gql(
        ADD, {"variant": _gid("Variant", variant.id), "quantity": 1}, **auth_headers(owner)
    )
    cart = body["data"]["cartAddLine"]["cart"]
    token, line_id = cart["token"], cart["lines"][0]["id"]

    # Then neither a guest nor another customer can read or change it with that token
    for headers in ({}, auth_headers(stranger)):
        assert (await gql(MY_CART, {"token": token}, **headers))["data"]["cart"] is None
        assert (await gql(NODE, {"id": cart["id"]}, **_token(token), **headers))["data"][
            "node"
        ] is None
        assert (await gql(NODE, {"id": line_id}, **_token(token), **headers))["data"][
            "node"
        ] is None
        change = await gql(UPDATE, {"line": line_id, "quantity": 5}, **_token(token), **headers)
        assert change["data"]["cartUpdateLine"]["errors"][0]["code"] in {
            "CART_NOT_FOUND",
            "LINE_NOT_FOUND",
        }
    # And the owner still sees the line unchanged
    node = await gql(NODE, {"id": line_id}, **auth_headers(owner))
    assert node["data"]["node"] == {"id": line_id, "__typename": "CartLine", "quantity": 1}


async def test_a_guest_cart_is_readable_only_with_its_token(gql: Any) -> None:
    cart = await _guest_cart(gql)
    other = await _guest_cart(gql)
    variant = await create_variant()
    body = await gql(
        ADD, {"variant": _gid("Variant", variant.id), "quantity": 1}, **_token(cart["token"])
    )
    line_id = body["data"]["cartAddLine"]["cart"]["lines"][0]["id"]
    assert (await gql(NODE, {"id": cart["id"]}))["data"]["node"] is None
    assert (await gql(NODE, {"id": cart["id"]}, **_token(other["token"])))["data"]["node"] is None
    assert (await gql(NODE, {"id": line_id}, **_token(other["token"])))["data"]["node"] is None
    mine = await gql(NODE, {"id": cart["id"]}, **_token(cart["token"]))
    assert mine["data"]["node"] == {"id": cart["id"], "__typename": "Cart", "token": cart["token"]}
    assert (await gql(MY_CART, **_token(other["token"])))["data"]["cart"]["id"] == other["id"]
    assert Decimal("0") == Decimal(
        (await gql(MY_CART, **_token(other["token"])))["data"]["cart"]["totals"]["total"]["amount"]
    )
