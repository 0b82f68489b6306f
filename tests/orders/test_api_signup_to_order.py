"""The README walk-through: sign up, fill a cart as a guest, check out, see the order."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from strawberry.relay import to_base64

from tests.factories import DEFAULT_PASSWORD, create_variant, unique

# The operations below are the ones the README shows, verbatim.
CART_CREATE = "mutation { cartCreate { cart { token } errors { code message } } }"
REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken errors { field code message } }
}
"""
ADD_LINE = """
mutation Add($variantId: ID!) {
  cartAddLine(variantId: $variantId, quantity: 2) {
    cart { lines { productName quantity unitPrice { amount } total { amount } priceNotes }
           totals { total { amount currency } } }
    errors { field code message available }
  }
}
"""
CHECKOUT = """
mutation Checkout($key: String!) {
  checkoutSetShippingAddress(address: { fullName: "Alex Example", line1: "Main Street 1",
      city: "Berlin", postalCode: "10115", country: "DE" }) { errors { field code message } }
  checkoutSetDelivery(method: STANDARD) { errors { code message } }
  checkoutSetPaymentMethod(method: "test") { errors { code message } }
  checkoutComplete(idempotencyKey: $key, paymentToken: "tok_visa") {
    order { number status totals { subtotal { amount } shipping { amount }
            discounts { code reason amount { amount } } total { amount } } }
    errors { field code message }
  }
}
"""
MY_ORDERS = """
{ myOrders(first: 5) { totalCount edges { node { number status placedAt
    lines { productName quantity total { amount } } events { kind message } } } } }
"""

pytestmark = pytest.mark.usefixtures("app")


async def test_sign_up_to_order(gql: Any) -> None:
    variant = await create_variant(price="14.99", stock=5)
    token = (await gql(CART_CREATE))["data"]["cartCreate"]["cart"]["token"]
    guest = {"X-Cart-Token": token}
    added = await gql(ADD_LINE, {"variantId": to_base64("Variant", variant.id)}, **guest)
    assert added["data"]["cartAddLine"]["cart"]["totals"]["total"]["amount"] == "29.98"

    email = f"{unique('reader')}@example.com"
    registered = await gql(
        REGISTER, {"input": {"email": email, "password": DEFAULT_PASSWORD}}, **guest
    )
    assert registered["data"]["register"]["errors"] == []
    me = {"Authorization": f"Bearer {registered['data']['register']['accessToken']}"}

    body = await gql(CHECKOUT, {"key": str(uuid.uuid4())}, **me)
    assert "errors" not in body, body
    for step in ("checkoutSetShippingAddress", "checkoutSetDelivery", "checkoutSetPaymentMethod"):
        assert body["data"][step]["errors"] == []
    placed = body["data"]["checkoutComplete"]
    assert placed["errors"] == []
    assert placed["order"]["status"] == "PAID"
    assert placed["order"]["totals"]["total"]["amount"] == "34.93"  # 29.98 + 4.95 delivery

    history = (await gql(MY_ORDERS, **me))["data"]["myOrders"]
    assert history["totalCount"] == 1
    node = history["edges"][0]["node"]
    assert node["number"] == placed["order"]["number"]
    assert node["lines"][0]["quantity"] == 2
    assert [e["kind"] for e in node["events"]] == ["placed", "paid"]
