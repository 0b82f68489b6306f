"""Concurrent `orderPay` for one order charges the card once (PostgreSQL only)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from strawberry.relay import to_base64

from models.orders import Order, OrderStatus, Payment, PaymentStatus
from services.orders import providers
from services.orders.providers import SandboxProvider
from tests.conftest import using_postgres
from tests.factories import create_variant
from tests.orders._helpers import place, ready_cart

pytestmark = [
    pytest.mark.usefixtures("database"),
    pytest.mark.skipif(
        not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
    ),
]

PAY = """
mutation Pay($id: ID!) {
  orderPay(orderId: $id, paymentToken: "tok_visa") {
    order { status }
    errors { field code message }
  }
}
"""


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxProvider]:
    provider = SandboxProvider()
    monkeypatch.setitem(providers._providers, "test", provider)
    yield provider


async def test_ten_concurrent_order_pays_charge_once(gql: Any, sandbox: SandboxProvider) -> None:
    # Given an unpaid guest order
    cart = await ready_cart((await create_variant(price="10.00", stock=5), 1))
    order = (await place(cart, payment_token=None)).order
    headers = {"X-Cart-Token": cart.token}
    gid = to_base64("Order", order.id)

    # When ten clients pay it at once
    bodies = await asyncio.gather(*(gql(PAY, {"id": gid}, **headers) for _ in range(10)))

    # Then one payment went through and nine were told why not, as typed errors
    payloads = [body["data"]["orderPay"] for body in bodies]
    assert all("errors" not in body for body in bodies), bodies
    outcomes = Counter(
        "OK" if not p["errors"] else "/".join(e["code"] for e in p["errors"]) for p in payloads
    )
    assert outcomes["OK"] == 1, outcomes
    assert sum(outcomes.values()) == 10
    assert set(outcomes) - {"OK"} <= {"PAYMENT_IN_PROGRESS", "ALREADY_PAID"}, outcomes
    # and the provider authorized and captured exactly once
    assert [operation for operation, _ in sandbox.moves] == ["authorize", "capture"]
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    statuses = await Payment.filter(order_id=order.id).values_list("status", flat=True)
    assert list(statuses) == [PaymentStatus.CAPTURED]
