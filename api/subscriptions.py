"""GraphQL subscriptions at the edge: WebSocket handlers and the Server-Sent Events transport.

strawberry speaks graphql-transport-ws, graphql-ws and graphql-sse; this module adds what a
shop needs on top: credentials in `connection_init`, a cap on connections per user and per
API key, keep-alive pings, the credential checked again while the socket stays open, and
`id:` lines on SSE events so that `Last-Event-ID` resumes the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.http.streaming import SSETransport
from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    GRAPHQL_WS_PROTOCOL,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
    _OperationStreamClosed,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import (
    ConnectionInitMessage as LegacyInitMessage,
)
from strawberry.utils.aio import aclosing

from api.fanout import MemberFellBehind, SharedStreams, group_key, is_guest
from resolvers.context import Context
from services.accounts import tokens

# Expired, signed out or revoked while the socket was open. graphql-transport-ws names 4403
# Forbidden as the code for a connection the server will not serve on these credentials
# (4401 means "subscribed before connection_ack"); the reference client (graphql-ws) retries
# 4403 with fresh connectionParams, which is exactly what a client with a refreshed token
# should do, while 4401 is fatal there.
CREDENTIALS_ENDED = 4403
# Too many connections for this user or key: the protocol's "too many" code, which the
# reference client does not retry in a tight loop.
TOO_MANY_CONNECTIONS = 4429


SUBSCRIPTION_PROTOCOLS = (GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL, GRAPHQL_SSE_PROTOCOL)


class TooManyConnections(Exception):
    """A user or API key already holds as many sockets as the setting allows (not a
    ConnectionRejectionError, which strawberry would answer with 4403)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.payload = {"message": message}


@dataclass(frozen=True)
class Limits:
    max_connections_per_caller: int
    keep_alive_seconds: float
    recheck_seconds: float


class ConnectionRegistry:
    """Open sockets per user and per API key in this process (each server process has its own
    count, so the cap is per process: README, "Partner apps")."""

    def __init__(self) -> None:
        self.open: Counter[str] = Counter()

    def acquire(self, key: str, limit: int) -> None:
        if self.open[key] >= limit:
            raise TooManyConnections(f"At most {limit} connections at once for this caller.")
        self.open[key] += 1

    def release(self, key: str) -> None:
        self.open[key] -= 1
        if self.open[key] <= 0:
            del self.open[key]


def caller_key(context: Context) -> str | None:
    if context.api_key is not None:
        return f"key:{context.api_key.id}"
    if context.user is not None:
        return f"user:{context.user.id}"
    return None  # guests follow only public streams, bounded per socket


async def authenticate_params(context: Context, params: Mapping[str, Any]) -> None:
    """Credentials from connection_init: `authorization` (Bearer) and/or `apiKey`.

    Unlike HTTP, where a bad token leaves a guest, a socket offered bad credentials is
    refused: it would otherwise stay open as a guest until the client noticed.
    """
    authorization = params.get("authorization") or params.get("Authorization")
    api_key = params.get("apiKey") or params.get("x-api-key")
    if authorization is not None:
        text = str(authorization)
        user = None
        if text.lower().startswith("bearer "):
            user = await tokens.user_for_access_token(text[7:].strip())
        if user is None:
            raise ConnectionRejectionError({"message": "Invalid or expired access token."})
        context.user = user
    if api_key is not None:
        key = await tokens.authenticate_api_key(str(api_key).strip())
        if key is None:
            raise ConnectionRejectionError({"message": "Invalid or revoked API key."})
        context.api_key = key


def _bearer(context: Context) -> str | None:
    params = context.connection_params or {}
    text = str(params.get("authorization") or params.get("Authorization") or "")
    if not text and context.request is not None:
        text = context.request.headers.get("authorization", "")
    return text[7:].strip() if text.lower().startswith("bearer ") else None


def _api_key(context: Context) -> str | None:
    params = context.connection_params or {}
    key = params.get("apiKey") or params.get("x-api-key")
    if key is None and context.request is not None:
        key = context.request.headers.get("x-api-key")
    return str(key).strip() if key else None


def _expires_at(token: str) -> float | None:
    try:
        # Already verified by user_for_access_token; only the expiry is read here.
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    exp = claims.get("exp")
    return float(exp) if isinstance(exp, int | float) else None


async def still_valid(context: Context) -> str | None:
    """Why the connection's credentials no longer hold, or None while they do."""
    if context.user is not None:
        token = _bearer(context)
        if token is None or await tokens.user_for_access_token(token) is None:
            return "The access token expired or its session ended."
    if context.api_key is not None:
        plain = _api_key(context)
        if plain is None or await tokens.authenticate_api_key(plain) is None:
            return "The API key was revoked."
    return None


class Guard:
    """One socket's duties once acknowledged: keep-alive, re-checking credentials, its slot."""

    def __init__(self, limits: Limits, registry: ConnectionRegistry, context: Context) -> None:
        self.limits = limits
        self.registry = registry
        self.context = context
        self.slot: str | None = None
        self.tasks: list[asyncio.Task[None]] = []

    async def admit(self) -> None:
        params = self.context.connection_params or {}
        await authenticate_params(self.context, params)
        key = caller_key(self.context)
        if key is not None:
            self.registry.acquire(key, self.limits.max_connections_per_caller)
            self.slot = key

    def start(self, ping: Any, close: Any) -> None:
        if self.limits.keep_alive_seconds > 0:
            self.tasks.append(asyncio.create_task(self._keep_alive(ping)))
        if self.context.user is not None or self.context.api_key is not None:
            self.tasks.append(asyncio.create_task(self._watch(close)))

    async def _keep_alive(self, ping: Any) -> None:
        while True:
            await asyncio.sleep(self.limits.keep_alive_seconds)
            await ping()

    async def _watch(self, close: Any) -> None:
        token = _bearer(self.context) if self.context.user is not None else None
        expires = _expires_at(token) if token else None
        while True:
            wait = self.limits.recheck_seconds
            if expires is not None:
                wait = min(wait, max(expires - time.time(), 0.0) + 0.05)
            await asyncio.sleep(wait)
            reason = await still_valid(self.context)
            if reason is not None:
                await close(CREDENTIALS_ENDED, reason)
                return

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(BaseException):
                await task
        self.tasks.clear()
        if self.slot is not None:
            self.registry.release(self.slot)
            self.slot = None


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with credentials, a connection cap, pings and re-checks."""

    guard: Guard

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        self.guard = self.view.guard_for(self.context)  # type: ignore[attr-defined]
        try:
            await super().handle_connection_init(message)
        except TooManyConnections as error:
            await self.websocket.close(TOO_MANY_CONNECTIONS, error.payload["message"])
            return
        if self.connection_acknowledged:
            self.guard.start(self._ping, self.websocket.close)

    async def _ping(self) -> None:
        await self.send_message({"type": "ping"})

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        """Guests running the same document share one execution (api/fanout.py)."""
        if not is_guest(self.context):
            await super().run_operation(operation)
            return
        shared: SharedStreams = self.view.shared_streams  # type: ignore[attr-defined]
        upstream = Context(request=self.context.request)

        def source() -> Any:
            return self.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=upstream,
                operation_name=operation.operation_name,
            )

        key = group_key(operation.query, operation.variables, operation.operation_name)
        try:
            results = shared.join(key, source)
            async with aclosing(results):
                await self._send_result_stream(operation, results)
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except _OperationStreamClosed:
            return
        except MemberFellBehind:
            message = "This subscription fell too far behind and was ended: subscribe again."
            error = {"id": operation.id, "type": "error", "payload": [{"message": message}]}
            await operation.send_operation_message(error)  # type: ignore[arg-type]

    async def shutdown(self) -> None:
        if hasattr(self, "guard"):
            await self.view.end_guard(self.context)  # type: ignore[attr-defined]
        await super().shutdown()


class LegacyWSHandler(BaseGraphQLWSHandler[Context, None]):
    """The legacy graphql-ws protocol, with the same credentials, cap and re-checks (its
    keep-alive is strawberry's `ka` message)."""

    guard: Guard

    async def handle_connection_init(self, message: LegacyInitMessage) -> None:
        self.guard = self.view.guard_for(self.context)  # type: ignore[attr-defined]
        try:
            await super().handle_connection_init(message)
        except TooManyConnections as error:
            refusal = {"type": "connection_error", "payload": error.payload}
            await self.send_message(refusal)  # type: ignore[arg-type]
            await self.websocket.close(TOO_MANY_CONNECTIONS, error.payload["message"])
            return
        if self.connection_acknowledged:
            self.guard.limits = Limits(
                self.guard.limits.max_connections_per_caller, 0, self.guard.limits.recheck_seconds
            )
            self.guard.start(None, self.websocket.close)

    async def cleanup(self) -> None:
        if hasattr(self, "guard"):
            await self.view.end_guard(self.context)  # type: ignore[attr-defined]
        await super().cleanup()


class EventStreamTransport(SSETransport):
    """graphql-sse's distinct connections mode, each `next` event with an `id:` line: the
    stream cursor of the event it carries, so that `Last-Event-ID` resumes after it."""

    def encode_next(self, response: Any, encode_json: Any) -> str:
        cursor = response.pop(CURSOR_KEY, None) if isinstance(response, dict) else None
        event = super().encode_next(response, encode_json)
        return f"id: {cursor}\r\n{event}" if cursor else event


# Carried from process_result to the transport inside the response, and popped there: the
# transport sees only the response, and the cursor must not reach the client's data.
CURSOR_KEY = "__stream_cursor__"


class TextFramesAdapter(ASGIWebSocketAdapter):
    """Every message in a text frame, as both protocols require: the view's orjson encoder
    gives bytes, which strawberry would send as binary frames that clients refuse."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        encoded = self.view.encode_json(message)
        text = encoded.decode() if isinstance(encoded, bytes) else encoded
        try:
            await self.ws.send_text(text)
        except WebSocketDisconnect as error:
            raise WebSocketDisconnected from error


class SubscriptionsView:
    """What ShopGraphQL (api/graphql.py) adds for subscriptions: strawberry's protocols with
    the handlers and transport above."""

    websocket_adapter_class = TextFramesAdapter
    graphql_transport_ws_handler_class = TransportWSHandler
    graphql_ws_handler_class = LegacyWSHandler
    subscription_limits: Limits
    _guards: dict[int, Guard]
    _registry: ConnectionRegistry
    shared_streams: SharedStreams

    def configure_subscriptions(self, limits: Limits) -> None:
        self.subscription_limits = limits
        self._guards = {}
        self._registry = ConnectionRegistry()
        self.shared_streams = SharedStreams()

    def guard_for(self, context: Context) -> Guard:
        # Keyed by the context's identity: strawberry hands on_ws_connect only the context.
        guard = self._guards.get(id(context))
        if guard is None:
            guard = self._guards[id(context)] = Guard(
                self.subscription_limits, self._registry, context
            )
        return guard

    async def end_guard(self, context: Context) -> None:
        guard = self._guards.pop(id(context), None)
        if guard is not None:
            await guard.stop()

    async def on_ws_connect(self, context: Context) -> None:
        await self.guard_for(context).admit()

    def stream_cursor_into(self, context: Context | None, response: Any) -> None:
        if context is not None and context.stream_cursor:
            response[CURSOR_KEY] = context.stream_cursor
            context.stream_cursor = None
