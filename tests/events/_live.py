"""A served shop for subscription tests: staff, customers, API keys and changes made over
HTTP, and WebSocket / SSE clients speaking the published protocols."""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.api._served import CLI

STAFF_EMAIL = "staff@example.com"
PASSWORD = "a long enough password 42"
SECRET = "subscription-tests-secret-key-of-some-length"
WAIT = 20.0  # generous: how long a test waits for what must arrive
SETTLE = 0.5


def create_staff(env: dict[str, str]) -> None:
    subprocess.run(
        [*CLI, "create-staff", "--email", STAFF_EMAIL, "--password", PASSWORD, "--all-permissions"],
        env=env,
        check=True,
        capture_output=True,
    )


@dataclass
class Shop:
    url: str

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"

    async def gql(self, query: str, variables: dict[str, Any] | None = None, **headers: str) -> Any:
        async with httpx.AsyncClient(timeout=WAIT) as client:
            response = await client.post(
                f"{self.url}/graphql",
                json={"query": query, "variables": variables or {}},
                headers=headers,
            )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    async def login(self, email: str, password: str = PASSWORD) -> dict[str, str]:
        data = await self.gql(
            """mutation($i: LoginInput!) { login(input: $i) {
                 accessToken refreshToken errors { code } } }""",
            {"i": {"email": email, "password": password}},
        )
        assert data["login"]["errors"] == [], data
        return data["login"]

    async def staff(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {(await self.login(STAFF_EMAIL))['accessToken']}"}

    async def customer(self) -> tuple[dict[str, str], str]:
        """A new customer's auth header and refresh token."""
        email = f"c{uuid.uuid4().hex[:10]}@example.com"
        data = await self.gql(
            """mutation($i: RegisterInput!) { register(input: $i) {
                 accessToken refreshToken errors { field code message } } }""",
            {"i": {"email": email, "password": PASSWORD}},
        )
        assert data["register"]["errors"] == [], data
        token = data["register"]["accessToken"]
        return {"Authorization": f"Bearer {token}"}, data["register"]["refreshToken"]

    async def api_key(self, *scopes: str) -> tuple[str, str]:
        """A new API key (plain, global id) with `scopes`."""
        data = await self.gql(
            """mutation($i: ApiKeyCreateInput!) { apiKeyCreate(input: $i) {
                 key apiKey { id } errors { code message } } }""",
            {"i": {"name": f"partner {uuid.uuid4().hex[:6]}", "scopes": list(scopes)}},
            **await self.staff(),
        )
        assert data["apiKeyCreate"]["errors"] == [], data
        return data["apiKeyCreate"]["key"], data["apiKeyCreate"]["apiKey"]["id"]

    async def variant_in_stock(self) -> tuple[str, str]:
        """(product id, variant id) of a published product with a variant in stock."""
        data = await self.gql(
            "{ products(first: 50) { edges { node { id variants { id stock } } } } }"
        )
        for edge in data["products"]["edges"]:
            for variant in edge["node"]["variants"]:
                if variant["stock"] >= 3:
                    return edge["node"]["id"], variant["id"]
        raise AssertionError("the seeded shop has no variant in stock")

    async def checkout(self, variant_id: str, headers: dict[str, str] | None = None) -> str:
        """Buy one unit (as a guest, or as the customer of `headers`): the order's id."""
        headers = dict(headers or {})
        if "Authorization" not in headers:
            created = await self.gql("mutation { cartCreate { cart { token } } }")
            headers["X-Cart-Token"] = created["cartCreate"]["cart"]["token"]
        steps: list[tuple[str, dict[str, Any]]] = [
            (
                "mutation($v: ID!) { cartAddLine(variantId: $v, quantity: 1) { errors { code } } }",
                {"v": variant_id},
            ),
            (
                'mutation { checkoutSetEmail(email: "buyer@example.com") { errors { code } } }',
                {},
            ),
            (
                """mutation($a: ShippingAddressInput) { checkoutSetShippingAddress(address: $a)
                   { errors { code } } }""",
                {
                    "a": {
                        "fullName": "Sam",
                        "line1": "Main 1",
                        "city": "Graz",
                        "postalCode": "8010",
                        "country": "AT",
                    }
                },
            ),
            ("mutation { checkoutSetDelivery(method: STANDARD) { errors { code } } }", {}),
            ('mutation { checkoutSetPaymentMethod(method: "test") { errors { code } } }', {}),
        ]
        for query, variables in steps:
            data = await self.gql(query, variables, **headers)
            assert all(v["errors"] == [] for v in data.values()), (query, data)
        done = await self.gql(
            """mutation($k: String!) { checkoutComplete(idempotencyKey: $k,
                 paymentToken: "tok_visa") { order { id } errors { code message } } }""",
            {"k": uuid.uuid4().hex},
            **headers,
        )
        assert done["checkoutComplete"]["errors"] == [], done
        return str(done["checkoutComplete"]["order"]["id"])


class Socket:
    """One graphql-transport-ws (or legacy graphql-ws) client connection."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def receive(self, *, skip: tuple[str, ...] = ("ping", "pong", "ka")) -> dict[str, Any]:
        while True:
            frame = await asyncio.wait_for(self.ws.recv(), WAIT)
            assert isinstance(frame, str), f"the protocols send text frames, not {frame!r}"
            message = json.loads(frame)
            if message.get("type") == "ping":
                await self.send({"type": "pong"})
            if message.get("type") not in skip:
                return dict(message)

    async def init(self, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        await self.send({"type": "connection_init", "payload": payload or {}})
        return await self.receive()

    async def subscribe(self, id: str, query: str, variables: dict[str, Any] | None = None) -> None:
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": id, "type": "subscribe", "payload": payload})
        # The protocol has no acknowledgement that a subscription is live; give the server
        # the moment it needs to start listening before the test makes the change it awaits.
        await asyncio.sleep(SETTLE)

    async def closed(self) -> tuple[int | None, str]:
        """Wait for the server to close: (code, reason)."""
        try:
            while True:
                await asyncio.wait_for(self.ws.recv(), WAIT)
        except Exception:  # ConnectionClosed, whichever subclass
            pass
        await asyncio.wait_for(self.ws.wait_closed(), WAIT)
        return self.ws.close_code, self.ws.close_reason or ""


@asynccontextmanager
async def socket(shop: Shop, protocol: str = "graphql-transport-ws") -> AsyncIterator[Socket]:
    async with connect(shop.ws_url, subprotocols=[protocol], open_timeout=WAIT) as ws:  # type: ignore[list-item]
        yield Socket(ws)


@dataclass
class SseEvent:
    event: str
    data: Any
    id: str | None


async def sse_events(
    shop: Shop, query: str, headers: dict[str, str], *, get: bool = False
) -> AsyncIterator[SseEvent]:
    """graphql-sse, distinct connections mode: the events of one subscription request."""
    async with httpx.AsyncClient(timeout=WAIT) as client:
        accept = {"Accept": "text/event-stream", **headers}
        request = (
            client.stream("GET", f"{shop.url}/graphql", params={"query": query}, headers=accept)
            if get
            else client.stream("POST", f"{shop.url}/graphql", json={"query": query}, headers=accept)
        )
        async with request as response:
            assert response.status_code == 200, await response.aread()
            assert response.headers["content-type"].startswith("text/event-stream")
            fields: dict[str, str] = {}
            async for line in response.aiter_lines():
                if line.startswith(":"):
                    continue  # a keep-alive comment
                if line:
                    name, _, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")
                    continue
                if "event" in fields:
                    data = json.loads(fields["data"]) if fields.get("data") else None
                    yield SseEvent(fields["event"], data, fields.get("id"))
                fields = {}
