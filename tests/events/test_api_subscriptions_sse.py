"""Subscriptions over Server-Sent Events (graphql-sse, distinct connections mode) against a
served instance: events with stream cursors as ids, and `Last-Event-ID` resuming after one."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from resolvers.events.streams import encode_cursor
from tests.api._served import served
from tests.events._live import WAIT, Shop, SseEvent, create_staff, sse_events

# The cursor before the first event: a client that saw nothing yet resumes from here.
START = encode_cursor(0)
PLACED = "subscription { events(types: [ORDER_PLACED]) { id type position payload } }"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    path: Path = tmp_path_factory.mktemp("sse") / "sse.sqlite3"
    with served(path, seed_products=6) as instance:
        create_staff({**os.environ, "DATABASE_URL": f"sqlite://{path}", "REDIS_URL": ""})
        yield Shop(instance.url)
    assert "Traceback" not in instance.output, instance.output


async def _next(stream: AsyncIterator[SseEvent]) -> SseEvent:
    return await asyncio.wait_for(anext(stream), WAIT)


async def _order_event(stream: AsyncIterator[SseEvent], order_id: str) -> SseEvent:
    """The first event of the stream about `order_id` (earlier tests' orders come first)."""
    while True:
        event = await _next(stream)
        if event.data["data"]["events"]["payload"]["orderId"] == order_id:
            return event


async def test_events_carry_their_cursor_and_last_event_id_resumes_after_it(shop: Shop) -> None:
    # Given a partner following order.placed over SSE while two orders are placed
    key, _ = await shop.api_key("READ_ORDERS")
    _, variant_id = await shop.variant_in_stock()
    first_order = await shop.checkout(variant_id)
    second_order = await shop.checkout(variant_id)
    # (from the start of the stream, so that the test does not race the orders)
    stream = sse_events(shop, PLACED, {"X-Api-Key": key, "Last-Event-ID": START})
    first = await _order_event(stream, first_order)
    second = await _next(stream)
    await stream.aclose()

    # Then each `next` event carries the event, with its cursor as the SSE id
    assert first.event == second.event == "next"
    assert first.data["data"]["events"]["payload"]["orderId"] == first_order
    assert second.data["data"]["events"]["payload"]["orderId"] == second_order
    assert first.id == first.data["data"]["events"]["position"]
    assert second.id == second.data["data"]["events"]["position"] != first.id

    # When it reconnects with Last-Event-ID set to the first event (as browsers do)
    resumed = sse_events(shop, PLACED, {"X-Api-Key": key, "Last-Event-ID": str(first.id)})
    replayed = await _next(resumed)
    await resumed.aclose()

    # Then the stream resumes right after it: the second order comes first, nothing is lost
    assert replayed.id == second.id
    assert replayed.data["data"]["events"]["id"] == second.data["data"]["events"]["id"]


async def test_get_works_too_and_bad_or_missing_credentials_get_an_error_then_complete(
    shop: Shop,
) -> None:
    product_id, variant_id = await shop.variant_in_stock()
    stock = f"""subscription {{ stockChanges(productId: "{product_id}") {{
      stock event {{ type payload }} }} }}"""
    await shop.checkout(variant_id)
    stream = sse_events(shop, stock, {"Last-Event-ID": START}, get=True)
    change = await _next(stream)
    await stream.aclose()
    assert change.data["data"]["stockChanges"]["event"]["type"] == "VARIANT_STOCK_CHANGED"
    assert change.data["data"]["stockChanges"]["event"]["payload"]["variantId"] == variant_id

    # A guest may not follow the partner stream; a bad Last-Event-ID is named as such
    key, _ = await shop.api_key("READ_ORDERS")
    for headers, code in (
        ({}, "UNAUTHENTICATED"),
        ({"X-Api-Key": key, "Last-Event-ID": "garbage"}, "BAD_USER_INPUT"),
    ):
        events = [event async for event in sse_events(shop, PLACED, headers)]
        assert [event.event for event in events] == ["next", "complete"]
        errors = events[0].data["errors"]
        assert errors[0]["extensions"]["code"] == code
        assert events[0].id is None
    bad = [e async for e in sse_events(shop, PLACED, {"X-Api-Key": key, "Last-Event-ID": "x"})]
    assert bad[0].data["errors"][0]["extensions"]["argument"] == "Last-Event-ID"
