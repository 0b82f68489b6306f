"""The hand-written floor of the fan-out benchmark: a bare Starlette WebSocket endpoint that
tails the same kind of Redis Stream and sends each entry to its sockets as a
graphql-transport-ws `next` message, with no GraphQL, database, relay or authorization.

    REDIS_URL=redis://... uvicorn benchmarks.events_floor:app

`benchmarks.events` runs it in as many processes as the project, with the same clients.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator
from typing import Any

import redis.asyncio as redis
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

STREAM = os.environ.get("FLOOR_STREAM", "shopgraph:bench:fanout-floor")
sockets: set[WebSocket] = set()


async def tail() -> None:
    client: Any = redis.Redis.from_url(os.environ["REDIS_URL"])
    last = "$"
    while True:
        reply = await client.xread({STREAM: last}, block=5_000, count=100)
        for _key, entries in reply or []:
            for entry_id, fields in entries:
                last = entry_id
                event = {"id": fields[b"id"].decode(), "occurredAt": fields[b"at"].decode()}
                frame = json.dumps(
                    {
                        "id": "1",
                        "type": "next",
                        "payload": {"data": {"stockChanges": {"event": event}}},
                    }
                )
                for ws in tuple(sockets):
                    with contextlib.suppress(Exception):
                        await ws.send_text(frame)


async def endpoint(ws: WebSocket) -> None:
    await ws.accept(subprotocol="graphql-transport-ws")
    try:
        while True:
            message = json.loads(await ws.receive_text())
            if message.get("type") == "connection_init":
                await ws.send_text('{"type":"connection_ack"}')
            elif message.get("type") == "subscribe":
                sockets.add(ws)
    except WebSocketDisconnect:
        pass
    finally:
        sockets.discard(ws)


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    task = asyncio.create_task(tail())
    yield
    task.cancel()


app = Starlette(routes=[WebSocketRoute("/graphql", endpoint)], lifespan=lifespan)
