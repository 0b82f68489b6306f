"""Shipments through GraphQL: staff and partners ship and track, shoppers see only their
own parcels (also through node(id:)), guests follow one with its tracking token."""

from __future__ import annotations

import asyncio
from typing import Any

from strawberry.relay import to_base64

from models.accounts import ApiScope, Permission
from models.orders import Order, OrderLine
from services.accounts import api_keys
from tests.factories import auth_headers, create_user
from tests.logistics._helpers import carrier, lately, number, order_with

CREATE = """
mutation Ship($input: ShipmentCreateInput!) {
  shipmentCreate(input: $input) {
    shipment { id status trackingNumber trackingToken order { status }
               lines { quantity orderLine { sku } } }
    errors { field code message }
  }
}
"""
PUSH = """
mutation Push($carrier: String!, $events: [TrackingEventInput!]!) {
  shipmentTrackingPush(carrier: $carrier, events: $events) {
    received stored duplicates unmatched moved errors { field code message }
  }
}
"""
MY_ORDER = """
query Order($id: ID!) {
  order(id: $id) { status shipments { id status timeline { status message location { city } } } }
}
"""
CARRIER_CREATE = """
mutation C($input: CarrierCreateInput!) {
  carrierCreate(input: $input) { signingSecret errors { code } }
}
"""
NODE = "query Node($id: ID!) { node(id: $id) { ... on Shipment { id trackingNumber } } }"
TRACK = """
query Track($token: String!) {
  shipmentTracking(token: $token) {
    status trackingNumber carrier { name } deliveryPromise { latest lateness }
    timeline { status }
  }
}
"""
LIST = """
query List($filter: ShipmentFilter) {
  shipments(first: 50, filter: $filter) {
    totalCount
    edges { node { id status carrier { code } order { number }
                   lines { quantity orderLine { sku } } timeline { status } estimates { source } } }
  }
}
"""


async def _staff() -> dict[str, str]:
    return auth_headers(await create_user(permissions=[Permission.MANAGE_ORDERS]))


async def _key(*scopes: ApiScope) -> dict[str, str]:
    _, plain = await api_keys.create_api_key(
        name="Shipping tool", scopes=scopes, created_by_id=None
    )
    return {"X-Api-Key": plain}


async def _lines(order: Order) -> list[str]:
    ids = await OrderLine.filter(order_id=order.id).order_by("id").values_list("id", flat=True)
    return [to_base64("OrderLine", i) for i in ids]


def _input(order: Order, **more: Any) -> dict[str, Any]:
    return {"input": {"orderId": to_base64("Order", order.id), "carrier": "dhl", **more}}


async def test_staff_ship_an_order_in_two_parcels_and_the_order_follows(gql: Any) -> None:
    await carrier()
    order = await order_with([2, 1])
    first_line, second_line = await _lines(order)
    staff = await _staff()

    part = await gql(
        CREATE, _input(order, lines=[{"orderLineId": first_line, "quantity": 2}]), **staff
    )
    too_many = await gql(
        CREATE, _input(order, lines=[{"orderLineId": first_line, "quantity": 1}]), **staff
    )
    rest = await gql(CREATE, _input(order, trackingNumber=number()), **staff)

    assert part["data"]["shipmentCreate"]["errors"] == []
    assert part["data"]["shipmentCreate"]["shipment"]["order"]["status"] == "PARTIALLY_SHIPPED"
    assert part["data"]["shipmentCreate"]["shipment"]["lines"][0]["quantity"] == 2
    assert too_many["data"]["shipmentCreate"]["errors"] == [
        {
            "field": "lines",
            "code": "QUANTITY_EXCEEDS_UNSHIPPED",
            "message": "Only 0 unit(s) of that line are left to ship.",
        }
    ]
    assert rest["data"]["shipmentCreate"]["shipment"]["order"]["status"] == "SHIPPED"
    assert (await Order.get(id=order.id)).status == "shipped"
    assert second_line  # the rest shipped the second line


async def test_a_partner_key_needs_write_shipments(gql: Any) -> None:
    await carrier()
    order = await order_with([1])

    refused = await gql(
        CREATE, _input(order), **await _key(ApiScope.READ_ORDERS, ApiScope.READ_SHIPMENTS)
    )
    shipped = await gql(CREATE, _input(order), **await _key(ApiScope.WRITE_SHIPMENTS))

    assert refused["errors"][0]["extensions"]["scope"] == "WRITE_SHIPMENTS"
    assert shipped["data"]["shipmentCreate"]["shipment"]["status"] == "PENDING"


async def _delivered_order(gql: Any, owner: Any) -> tuple[Order, dict[str, Any]]:
    await carrier()
    order = await order_with([1], user=owner)
    n = number()
    made = await gql(CREATE, _input(order, trackingNumber=n), **await _staff())
    events = [
        {"trackingNumber": n, "status": "IN_TRANSIT", "occurredAt": lately(8),
         "city": "Leipzig", "message": "Departed hub"},
        {"trackingNumber": n, "status": "DELIVERED", "occurredAt": lately(15)},
    ]  # fmt: skip
    pushed = await gql(
        PUSH, {"carrier": "dhl", "events": events}, **await _key(ApiScope.WRITE_SHIPMENTS)
    )
    assert pushed["data"]["shipmentTrackingPush"]["moved"] == 2
    return order, made["data"]["shipmentCreate"]["shipment"]


async def test_the_buyer_sees_the_timeline_and_the_order_becomes_delivered(gql: Any) -> None:
    owner = await create_user()
    order, shipment = await _delivered_order(gql, owner)

    # The order follows the delivery through its event consumer
    for _ in range(100):
        if (await Order.get(id=order.id)).status == "delivered":
            break
        await asyncio.sleep(0.05)
    body = await gql(MY_ORDER, {"id": to_base64("Order", order.id)}, **auth_headers(owner))

    seen = body["data"]["order"]
    assert seen["status"] == "DELIVERED"
    assert seen["shipments"][0]["id"] == shipment["id"]
    assert seen["shipments"][0]["timeline"] == [
        {"status": "IN_TRANSIT", "message": "Departed hub", "location": {"city": "Leipzig"}},
        {"status": "DELIVERED", "message": "", "location": {"city": ""}},
    ]


async def test_no_shopper_sees_another_ones_shipment(gql: Any) -> None:
    owner, stranger = await create_user(), await create_user()
    _, shipment = await _delivered_order(gql, owner)

    own = await gql(NODE, {"id": shipment["id"]}, **auth_headers(owner))
    foreign = await gql(NODE, {"id": shipment["id"]}, **auth_headers(stranger))
    anonymous = await gql(NODE, {"id": shipment["id"]})
    listing = await gql(LIST, **auth_headers(stranger))
    reader = await gql(NODE, {"id": shipment["id"]}, **await _key(ApiScope.READ_SHIPMENTS))

    assert own["data"]["node"]["id"] == shipment["id"]
    assert foreign["data"]["node"] is None and anonymous["data"]["node"] is None
    assert listing["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert reader["data"]["node"]["id"] == shipment["id"]


async def test_a_guest_tracks_a_parcel_with_its_token_and_nothing_else(gql: Any) -> None:
    _, shipment = await _delivered_order(gql, None)

    shown = await gql(TRACK, {"token": shipment["trackingToken"]})
    forged = await gql(TRACK, {"token": shipment["trackingToken"][:-2] + "00"})
    leaky = await gql(
        "query T($token: String!) { shipmentTracking(token: $token) { order { email } } }",
        {"token": shipment["trackingToken"]},
    )

    assert shown["data"]["shipmentTracking"]["status"] == "DELIVERED"
    assert shown["data"]["shipmentTracking"]["trackingNumber"] == shipment["trackingNumber"]
    assert [e["status"] for e in shown["data"]["shipmentTracking"]["timeline"]] == [
        "IN_TRANSIT",
        "DELIVERED",
    ]
    assert forged["data"]["shipmentTracking"] is None
    assert "order" in leaky["errors"][0]["message"]  # the guest view has no order field


async def test_a_malformed_pushed_event_is_an_error_not_a_500(gql: Any) -> None:
    await carrier()
    key = await _key(ApiScope.WRITE_SHIPMENTS)
    bad = [
        {
            "trackingNumber": "no spaces allowed!",
            "status": "IN_TRANSIT",
            "occurredAt": lately(8),
        }
    ]

    body = await gql(PUSH, {"carrier": "dhl", "events": bad}, **key)
    unknown = await gql(PUSH, {"carrier": "nobody", "events": []}, **key)

    assert body["data"]["shipmentTrackingPush"]["errors"][0]["code"] == "EVENT_INVALID"
    assert unknown["data"]["shipmentTrackingPush"]["errors"][0]["code"] == "CARRIER_NOT_FOUND"


async def test_the_shipment_list_costs_the_same_queries_for_3_and_12_shipments(
    gql: Any, count_queries: Any
) -> None:
    staff = await _staff()
    await carrier()
    code = f"c{number().lower()[:20]}"
    made = await gql(
        CARRIER_CREATE,
        {
            "input": {
                "code": code,
                "name": "Counted",
                "trackingUrlTemplate": "https://t.example/{number}",
            }
        },
        **staff,
    )
    assert made["data"]["carrierCreate"]["signingSecret"]

    async def ship(count: int) -> None:
        for _ in range(count):
            order = await order_with([1, 1])
            result = await gql(
                CREATE,
                {"input": {"orderId": to_base64("Order", order.id), "carrier": code}},
                **staff,
            )
            assert result["data"]["shipmentCreate"]["errors"] == []

    counts = []
    for batch in (3, 9):
        await ship(batch)
        await _consumers_settled()
        with count_queries() as counter:
            body = await gql(LIST, {"filter": {"carrier": code}}, **staff)
        assert "errors" not in body, body
        own = [q for q in counter.statements if not any(t in q for t in BACKGROUND_TABLES)]
        counts.append((body["data"]["shipments"]["totalCount"], len(own)))

    (small, small_queries), (large, large_queries) = counts
    assert (small, large) == (3, 12)
    assert small_queries == large_queries
    # user, carrier code, page, count, carriers, orders, lines, order lines, timeline, estimates
    assert large_queries <= 10, "\n".join(q[:90] for q in own)


# Workers that poll on their own clock (webhook deliveries) are not the request's queries.
BACKGROUND_TABLES = ('"webhook_endpoint"', "webhook_delivery")


async def _consumers_settled() -> None:
    """Wait until the shipment consumer has handled every shipment event so far."""
    from models.events import DomainEvent, EventConsumer

    for _ in range(200):
        pending = await DomainEvent.filter(position__isnull=True).exists()
        last = await DomainEvent.filter(type__startswith="shipment.").order_by("-position").first()
        consumer = await EventConsumer.filter(name="shipment_progress").first()
        done = last is None or (consumer is not None and consumer.position >= (last.position or 0))
        if not pending and done:
            return
        await asyncio.sleep(0.05)


MARK_SHIPPED = """
mutation M($id: ID!, $carrier: String, $number: String) {
  orderMarkShipped(orderId: $id, note: "One box", carrier: $carrier, trackingNumber: $number) {
    order { status shipments { status trackingNumber carrier { code } lines { quantity } } }
    errors { field code }
  }
}
"""


async def test_order_mark_shipped_records_the_rest_as_one_shipment(gql: Any) -> None:
    await carrier()
    order = await order_with([2, 1])
    (first_line, _) = await _lines(order)
    staff = await _staff()
    await gql(CREATE, _input(order, lines=[{"orderLineId": first_line, "quantity": 1}]), **staff)
    gid = to_base64("Order", order.id)

    taken = number()
    await gql(CREATE, _input(await order_with([1]), trackingNumber=taken), **staff)
    refused = await gql(MARK_SHIPPED, {"id": gid, "carrier": "dhl", "number": taken}, **staff)
    body = await gql(MARK_SHIPPED, {"id": gid, "number": number()}, **staff)

    assert refused["data"]["orderMarkShipped"]["errors"] == [
        {"field": "trackingNumber", "code": "TRACKING_NUMBER_IN_USE"}
    ]
    shipped = body["data"]["orderMarkShipped"]["order"]
    assert shipped["status"] == "SHIPPED"
    assert [
        (s["carrier"]["code"], [li["quantity"] for li in s["lines"]]) for s in shipped["shipments"]
    ] == [
        ("dhl", [1]),
        ("other", [1, 1]),
    ]


OPTIONS = """query { cart { deliveryOptions { method promisedFrom promisedTo } } }"""


async def test_checkout_shows_the_promise_the_shipment_is_measured_against(gql: Any) -> None:
    from models.orders import DeliveryMethod
    from services import clock
    from services.logistics.promise import promise_for
    from tests.factories import create_variant
    from tests.orders._helpers import place, ready_cart

    variant = await create_variant(stock=5)
    cart = await ready_cart((variant, 1), method=DeliveryMethod.EXPRESS)
    shown = await gql(OPTIONS, **{"X-Cart-Token": cart.token})
    placed = await place(cart)
    await carrier()
    made = await gql(
        CREATE,
        {"input": {"orderId": to_base64("Order", placed.order.id), "carrier": "dhl"}},
        **await _staff(),
    )

    options = {o["method"]: o for o in shown["data"]["cart"]["deliveryOptions"]}
    express = options["EXPRESS"]
    expected = promise_for(DeliveryMethod.EXPRESS, ordered_at=clock.now())
    assert expected is not None
    assert (express["promisedFrom"], express["promisedTo"]) == (
        expected.earliest.isoformat(),
        expected.latest.isoformat(),
    )
    assert options["STANDARD"]["promisedFrom"] <= options["STANDARD"]["promisedTo"]
    shipment_id = made["data"]["shipmentCreate"]["shipment"]["id"]
    body = await gql(
        "query($id: ID!) { node(id: $id) { ... on Shipment { deliveryPromise { latest } } } }",
        {"id": shipment_id},
        **await _staff(),
    )
    assert body["data"]["node"]["deliveryPromise"]["latest"] == express["promisedTo"]
