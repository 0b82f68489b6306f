"""caseUpdates and caseQueueUpdates over WebSocket against a served instance: the customer
follows their own cases without internal notes, a stranger is told NOT_FOUND, a support desk
(API key with READ_TICKETS) follows the queue with everything."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from strawberry.relay import to_base64

from tests.api._served import served
from tests.events._live import SECRET, Shop, create_staff, socket

MINE = """subscription { caseUpdates { event { type payload }
  case { number status messages { body internal } } } }"""
ONE = """subscription($c: ID) { caseUpdates(caseId: $c) { event { type } } }"""
QUEUE = """subscription { caseQueueUpdates { event { type payload } case { number } } }"""
OPEN = """mutation { caseOpen(input: {kind: INQUIRY, reason: OTHER, reasonNote: "Batteries?"})
  { case { id number } errors { code } } }"""
NOTE = """mutation($c: ID!, $b: String!, $i: Boolean!) { caseStaffMessage(caseId: $c, body: $b,
  internal: $i) { errors { code } } }"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    path: Path = tmp_path_factory.mktemp("cases") / "cases.sqlite3"
    env = {"SHOPGRAPH_SECRET_KEY": SECRET}
    with served(path, seed_products=4, **env) as instance:
        create_staff({**os.environ, "DATABASE_URL": f"sqlite://{path}", "REDIS_URL": "", **env})
        yield Shop(instance.url)
    assert "Traceback" not in instance.output, instance.output


def _types(messages: list[dict[str, Any]], field: str) -> list[str]:
    return [m["payload"]["data"][field]["event"]["type"] for m in messages]


async def test_customer_and_desk_follow_cases_and_strangers_cannot(shop: Shop) -> None:
    owner, _ = await shop.customer()
    stranger, _ = await shop.customer()
    staff = await shop.staff()
    desk_key, _ = await shop.api_key("READ_TICKETS")
    orders_key, _ = await shop.api_key("READ_ORDERS")

    async with socket(shop) as mine, socket(shop) as desk:
        await mine.init({"authorization": owner["Authorization"]})
        await mine.subscribe("1", MINE)
        await desk.init({"apiKey": desk_key})
        await desk.subscribe("1", QUEUE)
        # When the customer opens a case and staff leave a note, then answer
        opened = await shop.gql(OPEN, **owner)
        case = opened["caseOpen"]["case"]
        for body, internal in (("Refund him, sigh", True), ("AA batteries, 2", False)):
            done = await shop.gql(NOTE, {"c": case["id"], "b": body, "i": internal}, **staff)
            assert done["caseStaffMessage"]["errors"] == []
        seen = [await mine.receive() for _ in range(3)]
        queue = [await desk.receive() for _ in range(4)]

    # Then the customer sees their case open, the answer (never the note) and the move
    assert _types(seen, "caseUpdates") == [
        "CASE_CREATED",
        "CASE_MESSAGE_ADDED",
        "CASE_STATUS_CHANGED",
    ]
    assert seen[1]["payload"]["data"]["caseUpdates"]["event"]["payload"]["internal"] is False
    last = seen[2]["payload"]["data"]["caseUpdates"]["case"]
    assert last["number"] == case["number"] and last["status"] == "OPEN"
    assert last["messages"] == [{"body": "AA batteries, 2", "internal": False}]
    # And the desk sees everything, the note's event included
    assert _types(queue, "caseQueueUpdates") == [
        "CASE_CREATED",
        "CASE_MESSAGE_ADDED",
        "CASE_MESSAGE_ADDED",
        "CASE_STATUS_CHANGED",
    ]
    assert queue[0]["payload"]["data"]["caseQueueUpdates"]["case"]["number"] == case["number"]

    # A stranger is refused as for a case that does not exist; so are keys without the scope
    # and customers asking for the queue
    refusals = []
    for headers, query, variables in (
        ({"authorization": stranger["Authorization"]}, ONE, {"c": case["id"]}),
        ({"authorization": stranger["Authorization"]}, ONE, {"c": to_base64("Case", 10**9)}),
        ({"apiKey": orders_key}, QUEUE, {}),
        ({"authorization": owner["Authorization"]}, QUEUE, {}),
    ):
        async with socket(shop) as ws:
            await ws.init(headers)
            await ws.subscribe("1", query, variables)
            refusals.append(await ws.receive())
    codes = [r["payload"]["errors"][0]["extensions"]["code"] for r in refusals]
    assert codes == ["NOT_FOUND", "NOT_FOUND", "FORBIDDEN", "FORBIDDEN"]
    assert refusals[2]["payload"]["errors"][0]["extensions"]["scope"] == "READ_TICKETS"
    assert (
        refusals[0]["payload"]["errors"][0]["message"]
        == (refusals[1]["payload"]["errors"][0]["message"])
    )
