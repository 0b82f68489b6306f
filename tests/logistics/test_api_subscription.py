"""shipmentUpdates over WebSocket against a served instance: the buyer follows a parcel as
a carrier moves it; another shopper is told NOT_FOUND, as for a shipment that does not exist."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from strawberry.relay import to_base64

from tests.api._served import served
from tests.events._live import SECRET, Shop, create_staff, socket
from tests.logistics._helpers import lately

UPDATES = """subscription($s: ID!) { shipmentUpdates(shipmentId: $s) {
  event { type aggregateType payload } shipment { id status timeline { status } } } }"""
SHIP = """mutation($o: ID!, $n: String) { shipmentCreate(input: {orderId: $o, carrier: "dhl",
  trackingNumber: $n}) { shipment { id } errors { code } } }"""
PUSH = """mutation($n: String!, $at: DateTime!) { shipmentTrackingPush(carrier: "dhl", events: [{
  trackingNumber: $n, status: IN_TRANSIT, occurredAt: $at,
  city: "Leipzig"}]) { moved errors { code } } }"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    path: Path = tmp_path_factory.mktemp("ship") / "ship.sqlite3"
    env = {"SHOPGRAPH_SECRET_KEY": SECRET}
    with served(path, seed_products=12, **env) as instance:
        create_staff({**os.environ, "DATABASE_URL": f"sqlite://{path}", "REDIS_URL": "", **env})
        yield Shop(instance.url)
    assert "Traceback" not in instance.output, instance.output


async def test_the_buyer_follows_the_parcel_and_a_stranger_cannot(shop: Shop) -> None:
    # Given a customer's paid order shipped by staff
    _, variant_id = await shop.variant_in_stock()
    owner, _ = await shop.customer()
    stranger, _ = await shop.customer()
    order_id = await shop.checkout(variant_id, owner)
    staff = await shop.staff()
    number = f"SUB{uuid.uuid4().hex[:10].upper()}"
    made = await shop.gql(SHIP, {"o": order_id, "n": number}, **staff)
    assert made["shipmentCreate"]["errors"] == [], made
    shipment_id = made["shipmentCreate"]["shipment"]["id"]

    # When a stranger subscribes, they are refused like for a shipment that does not exist
    refusals = []
    for wanted in (shipment_id, to_base64("Shipment", 10**9)):
        async with socket(shop) as ws:
            await ws.init({"authorization": stranger["Authorization"]})
            await ws.subscribe("1", UPDATES, {"s": wanted})
            refusals.append(await ws.receive())
    assert [r["payload"]["errors"][0]["extensions"]["code"] for r in refusals] == ["NOT_FOUND"] * 2
    assert (
        refusals[0]["payload"]["errors"][0]["message"]
        == refusals[1]["payload"]["errors"][0]["message"]
    )

    # And the owner, subscribed, sees the carrier's scan arrive with the parcel as it is now
    async with socket(shop) as ws:
        await ws.init({"authorization": owner["Authorization"]})
        await ws.subscribe("1", UPDATES, {"s": shipment_id})
        pushed = await shop.gql(PUSH, {"n": number, "at": lately(8)}, **staff)
        message = await ws.receive()
    assert pushed["shipmentTrackingPush"] == {"moved": 1, "errors": []}
    update = message["payload"]["data"]["shipmentUpdates"]
    assert update["event"]["type"] == "SHIPMENT_UPDATED"
    assert update["event"]["payload"]["status"] == "in_transit"
    assert update["event"]["payload"]["trackingNumber"] == number
    assert "shippingAddress" not in update["event"]["payload"]
    assert update["shipment"] == {
        "id": shipment_id,
        "status": "IN_TRANSIT",
        "timeline": [{"status": "IN_TRANSIT"}],
    }
