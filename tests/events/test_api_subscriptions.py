"""Subscriptions over WebSocket against a served instance: changes made over HTTP arrive,
authorization as in queries, and the protocol's close codes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from strawberry.relay import to_base64

from services.accounts import tokens
from tests.api._served import served
from tests.events._live import SECRET, Shop, create_staff, socket

STOCK = """subscription($p: ID!) { stockChanges(productId: $p) {
  stock inStock variant { id stock } product { id }
  event { id type aggregateType sequence position payload } } }"""
ORDER_UPDATES = """subscription($o: ID!) { orderUpdates(orderId: $o) {
  event { type aggregateId } order { id status } } }"""
MY_ORDERS = "subscription { myOrderUpdates { event { type } order { id status } } }"
EVENTS = """subscription($t: [EventType!], $a: String) { events(types: $t, after: $a) {
  id type position payload } }"""
UNPUBLISH = """mutation($id: ID!) { productArchive(id: $id) {
  errors { code } } }"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    path: Path = tmp_path_factory.mktemp("subs") / "subs.sqlite3"
    env = {
        "SHOPGRAPH_SECRET_KEY": SECRET,
        "SHOPGRAPH_WS_MAX_SUBSCRIPTIONS": "2",
        "SHOPGRAPH_WS_MAX_CONNECTIONS_PER_CALLER": "2",
        "SHOPGRAPH_WS_AUTH_RECHECK_SECONDS": "0.5",
        "SHOPGRAPH_WS_INIT_TIMEOUT_SECONDS": "1",
        "SHOPGRAPH_WS_KEEPALIVE_SECONDS": "0.5",
    }
    with served(path, seed_products=12, **env) as instance:
        import os

        create_staff({**os.environ, "DATABASE_URL": f"sqlite://{path}", "REDIS_URL": "", **env})
        yield Shop(instance.url)
    assert "Traceback" not in instance.output, instance.output


async def test_a_stock_change_made_by_a_checkout_reaches_the_product_page(shop: Shop) -> None:
    # Given a guest on a product page, subscribed to its stock
    product_id, variant_id = await shop.variant_in_stock()
    async with socket(shop) as ws:
        assert (await ws.init())["type"] == "connection_ack"
        await ws.subscribe("1", STOCK, {"p": product_id})

        # When someone buys one unit over HTTP
        await shop.checkout(variant_id)

        # Then the page receives the change, with the variant as it is now
        message = await ws.receive()
    assert message["type"] == "next" and message["id"] == "1", message
    change = message["payload"]["data"]["stockChanges"]
    event = change["event"]
    assert event["type"] == "VARIANT_STOCK_CHANGED"
    assert event["aggregateType"] == "variant"
    assert event["payload"]["newStock"] == event["payload"]["oldStock"] - 1
    assert change["variant"] == {"id": variant_id, "stock": event["payload"]["newStock"]}
    assert change["stock"] == event["payload"]["newStock"]
    assert change["product"] == {"id": product_id}


async def test_a_customer_follows_their_own_order_and_nobody_else_does(shop: Shop) -> None:
    # Given a customer who placed an order, and another customer
    _, variant_id = await shop.variant_in_stock()
    owner, _ = await shop.customer()
    stranger, _ = await shop.customer()
    order_id = await shop.checkout(variant_id, owner)

    # When the stranger subscribes to that order's updates
    async with socket(shop) as ws:
        await ws.init({"authorization": stranger["Authorization"]})
        await ws.subscribe("1", ORDER_UPDATES, {"o": order_id})
        refused = await ws.receive()
    # Then they get NOT_FOUND, exactly as for an order that does not exist
    assert refused["payload"]["data"] is None
    assert [e["extensions"]["code"] for e in refused["payload"]["errors"]] == ["NOT_FOUND"]
    async with socket(shop) as ws:
        await ws.init({"authorization": stranger["Authorization"]})
        await ws.subscribe("1", ORDER_UPDATES, {"o": to_base64("Order", 10**9)})
        unknown = await ws.receive()
    assert unknown["payload"]["errors"][0]["message"] == refused["payload"]["errors"][0]["message"]

    # And the owner, following both their order and all their orders, sees the next order
    async with socket(shop) as ws:
        await ws.init({"authorization": owner["Authorization"]})
        await ws.subscribe("mine", MY_ORDERS)
        await ws.subscribe("one", ORDER_UPDATES, {"o": order_id})
        second = await shop.checkout(variant_id, owner)
        message = await ws.receive()
    assert message["id"] == "mine", message
    update = message["payload"]["data"]["myOrderUpdates"]
    assert update["event"]["type"] == "ORDER_PLACED"
    assert update["order"]["id"] == second


async def test_partner_stream_needs_a_key_with_the_scope(shop: Shop) -> None:
    # Given a guest, a key with only READ_CATALOG, and a key with READ_ORDERS
    catalog_key, _ = await shop.api_key("READ_CATALOG")
    orders_key, _ = await shop.api_key("READ_ORDERS")
    async with socket(shop) as ws:
        await ws.init()
        await ws.subscribe("1", EVENTS)
        guest = await ws.receive()
    assert guest["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    async with socket(shop) as ws:
        await ws.init({"apiKey": catalog_key})
        await ws.subscribe("1", EVENTS, {"t": ["ORDER_PLACED"]})
        wrong = await ws.receive()
    assert wrong["payload"]["errors"][0]["extensions"] == {
        "code": "FORBIDDEN",
        "types": ["ORDER_PLACED"],
    }

    # When an order is placed while the orders key follows the stream
    _, variant_id = await shop.variant_in_stock()
    async with socket(shop) as ws:
        await ws.init({"apiKey": orders_key})
        await ws.subscribe("1", EVENTS, {"t": ["ORDER_PLACED"]})
        order_id = await shop.checkout(variant_id)
        placed = await ws.receive()

        # Then it arrives, and resuming before it replays it (and nothing of another type)
        event = placed["payload"]["data"]["events"]
        assert event["type"] == "ORDER_PLACED" and event["payload"]["orderId"] == order_id
    async with socket(shop) as ws:
        await ws.init({"apiKey": orders_key})
        await ws.subscribe("1", EVENTS, {"a": "bm90IGEgY3Vyc29y"})
        bad = await ws.receive()
    assert bad["payload"]["errors"][0]["extensions"]["argument"] == "after"


async def test_an_unpublished_product_is_invisible_to_shoppers(shop: Shop) -> None:
    # Given a product staff take back to draft
    staff = await shop.staff()
    product_id, _ = await shop.variant_in_stock()
    data = await shop.gql(UNPUBLISH, {"id": product_id}, **staff)
    assert data["productArchive"]["errors"] == []

    # When a guest subscribes to its stock: NOT_FOUND, as `product(id:)` answers null
    async with socket(shop) as ws:
        await ws.init()
        await ws.subscribe("1", STOCK, {"p": product_id})
        message = await ws.receive()
    assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # While staff may still follow it, as they may read it
    async with socket(shop) as ws:
        assert (await ws.init({"authorization": staff["Authorization"]}))[
            "type"
        ] == "connection_ack"
        await ws.subscribe("1", STOCK, {"p": product_id})
        await ws.send({"id": "1", "type": "complete"})
        await ws.send({"type": "ping"})
        assert (await ws.receive(skip=("ping",)))["type"] == "pong"


async def test_bad_credentials_in_connection_init_close_with_4403(shop: Shop) -> None:
    for payload in ({"authorization": "Bearer forged"}, {"apiKey": "sgk_nope_nope"}):
        async with socket(shop) as ws:
            await ws.send({"type": "connection_init", "payload": payload})
            assert await ws.closed() == (4403, "Forbidden")


async def test_protocol_violations_close_with_the_protocols_codes(shop: Shop) -> None:
    # 4401: subscribe before connection_ack
    async with socket(shop) as ws:
        await ws.subscribe("1", "subscription { myOrderUpdates { event { id } } }")
        assert (await ws.closed())[0] == 4401
    # 4408: no connection_init in time
    async with socket(shop) as ws:
        assert (await ws.closed())[0] == 4408
    # 4429: a second connection_init
    async with socket(shop) as ws:
        await ws.init()
        await ws.send({"type": "connection_init", "payload": {}})
        assert (await ws.closed())[0] == 4429
    # 4409: the same subscription id twice
    product_id, _ = await shop.variant_in_stock()
    async with socket(shop) as ws:
        await ws.init()
        await ws.subscribe("1", STOCK, {"p": product_id})
        await ws.subscribe("1", STOCK, {"p": product_id})
        assert (await ws.closed())[0] == 4409


async def test_limits_per_connection_and_per_caller(shop: Shop) -> None:
    product_id, _ = await shop.variant_in_stock()
    # At most 2 operations per socket (SHOPGRAPH_WS_MAX_SUBSCRIPTIONS=2)
    async with socket(shop) as ws:
        await ws.init()
        for id in ("a", "b", "c"):
            await ws.subscribe(id, STOCK, {"p": product_id})
        refused = await ws.receive()
    assert refused == {
        "id": "c",
        "type": "error",
        "payload": [{"message": "Subscription limit reached"}],
    }
    # At most 2 sockets per customer: the third closes with 4429
    me, _ = await shop.customer()
    async with socket(shop) as one, socket(shop) as two, socket(shop) as three:
        assert (await one.init({"authorization": me["Authorization"]}))["type"] == "connection_ack"
        assert (await two.init({"authorization": me["Authorization"]}))["type"] == "connection_ack"
        await three.send(
            {"type": "connection_init", "payload": {"authorization": me["Authorization"]}}
        )
        code, reason = await three.closed()
    assert code == 4429 and "At most 2 connections" in reason
    # Once they close, the customer may connect again
    async with socket(shop) as again:
        assert (await again.init({"authorization": me["Authorization"]}))[
            "type"
        ] == "connection_ack"


async def test_query_limits_apply_to_subscription_documents(shop: Shop) -> None:
    nested = "parent { " * 12 + "id" + " }" * 12
    deep = (
        "subscription($p: ID!) { stockChanges(productId: $p) { product { category { "
        + nested
        + " } } } }"
    )
    product_id, _ = await shop.variant_in_stock()
    async with socket(shop) as ws:
        await ws.init()
        await ws.subscribe("1", deep, {"p": product_id})
        message = await ws.receive()
    assert message["type"] == "error", message
    assert "exceeds maximum operation depth" in message["payload"][0]["message"]


async def test_the_server_pings_and_closes_when_the_token_expires(shop: Shop) -> None:
    # Given a customer whose access token lives two seconds
    me, _ = await shop.customer()
    data = await shop.gql("{ me { id } }", **me)
    tokens.configure(secret=SECRET)
    user_id = int(__import__("base64").b64decode(data["me"]["id"]).decode().split(":")[1])
    short, _ = tokens.issue_access_token(user_id=user_id, ttl=timedelta(seconds=2))
    async with socket(shop) as ws:
        await ws.init({"authorization": f"Bearer {short}"})
        # Then the server keeps the socket alive with pings
        assert (await ws.receive(skip=()))["type"] == "ping"
        # And closes it with 4403 once the token expired
        code, reason = await ws.closed()
    assert code == 4403 and "expired" in reason


async def test_logout_closes_the_customers_sockets(shop: Shop) -> None:
    me, refresh = await shop.customer()
    async with socket(shop) as ws:
        await ws.init({"authorization": me["Authorization"]})
        await ws.subscribe("1", MY_ORDERS)
        data = await shop.gql(
            "mutation($r: String!) { logout(refreshToken: $r) { ok } }", {"r": refresh}, **me
        )
        assert data["logout"]["ok"] is True
        assert (await ws.closed())[0] == 4403


async def test_the_legacy_graphql_ws_protocol_delivers_too(shop: Shop) -> None:
    product_id, variant_id = await shop.variant_in_stock()
    async with socket(shop, "graphql-ws") as ws:
        assert (await ws.init())["type"] == "connection_ack"
        await ws.send(
            {
                "id": "1",
                "type": "start",
                "payload": {"query": STOCK, "variables": {"p": product_id}},
            }
        )
        await shop.checkout(variant_id)
        message = await ws.receive()
    assert message["type"] == "data", message
    assert message["payload"]["data"]["stockChanges"]["event"]["type"] == "VARIANT_STOCK_CHANGED"


async def test_guests_on_the_same_stream_share_one_execution_and_each_gets_the_event(
    shop: Shop,
) -> None:
    # Given two guests and a signed-in customer on the same product's stock
    product_id, variant_id = await shop.variant_in_stock()
    me, _ = await shop.customer()
    async with socket(shop) as one, socket(shop) as two, socket(shop) as signed_in:
        await one.init()
        await two.init()
        await signed_in.init({"authorization": me["Authorization"]})
        for ws, id in ((one, "a"), (two, "b"), (signed_in, "c")):
            await ws.subscribe(id, STOCK, {"p": product_id})

        # When a unit is bought
        await shop.checkout(variant_id)

        # Then each receives the same change under its own operation id
        received = [await ws.receive() for ws in (one, two, signed_in)]
        # And a guest that leaves does not end the stream of the one who stays
        await one.send({"id": "a", "type": "complete"})
        await shop.checkout(variant_id)
        again = await two.receive()
    assert [m["id"] for m in received] == ["a", "b", "c"]
    events = [m["payload"]["data"]["stockChanges"]["event"]["id"] for m in received]
    assert len(set(events)) == 1
    assert again["id"] == "b"
    assert again["payload"]["data"]["stockChanges"]["event"]["id"] != events[0]


async def test_the_cost_and_token_limits_refuse_a_subscription_before_it_starts() -> None:
    from resolvers.context import Context
    from schema import build_schema

    document = """subscription { stockChanges(productId: "UHJvZHVjdDox") {
      stock variant { id product { id } } } }"""
    for schema, code in (
        (build_schema(max_cost=1), "QUERY_TOO_COSTLY"),
        (build_schema(max_tokens=10), "GRAPHQL_PARSE_FAILED"),
    ):
        results = await schema.stream(document, context_value=Context(request=None))
        first = await anext(results)
        assert first.data is None
        assert [e.extensions["code"] for e in first.errors or []] == [code]
