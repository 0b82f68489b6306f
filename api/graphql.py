"""The GraphQL HTTP/WebSocket view: GraphQL over HTTP, per-request context, offline GraphiQL."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.background import BackgroundTask, BackgroundTasks
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_SSE_PROTOCOL
from strawberry.types import ExecutionResult

from api.authentication import authenticate
from api.graphiql import render_graphiql_html
from api.http_cache import (
    PRIVATE_HEADERS,
    Entry,
    HttpCache,
    Lookup,
    encode_body,
    public_headers,
    storable_cost,
)
from api.middleware import error_body
from api.subscriptions import EventStreamTransport, Limits, SubscriptionsView
from resolvers.context import Context
from schema.errors import AmbiguousOperation
from services.documents import TrustedDocuments, document_hash


class RequestError(HTTPException):
    """A request the view refuses before running it, answered as a GraphQL error document."""

    def __init__(
        self,
        status_code: int,
        reason: str,
        *,
        code: str = "BAD_REQUEST",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code, reason)
        self.code = code
        self.headers = headers or {}


class SubResponse(Response):
    """The per-request response strawberry passes around, with this request's cache lookup."""

    lookup: Lookup | None = None


# mypy sees SubscriptionsView's handler classes as narrower than strawberry's generic ones.
class ShopGraphQL(SubscriptionsView, GraphQL[Context, None]):  # type: ignore[misc]
    """strawberry's ASGI view, speaking GraphQL over HTTP strictly.

    Bodies that are not a GraphQL request get 400 with a JSON error document (never a 500 or
    plain text); `Accept: application/graphql-response+json` gets that media type and 4xx
    codes for request errors; a GET carrying a mutation is 405 with `Allow: POST`.
    Anonymous catalog reads are answered from `http_cache` (api/http_cache.py) when it holds
    them, with `Cache-Control`/`ETag` on GET; every other answer is `private, no-store`.
    Subscriptions: WebSocket and Server-Sent Events (api/subscriptions.py).
    """

    stream_transport_classes_by_protocol = {
        **GraphQL.stream_transport_classes_by_protocol,
        GRAPHQL_SSE_PROTOCOL: EventStreamTransport,
    }

    def __init__(
        self,
        schema: Any,
        *,
        http_cache: HttpCache | None = None,
        trusted_documents: TrustedDocuments | None = None,
        subscription_limits: Limits | None = None,
        **options: Any,
    ):
        super().__init__(schema, **options)
        self.configure_subscriptions(subscription_limits or Limits(10, 15.0, 60.0))
        self.http_cache = http_cache
        # In trusted documents mode a cached answer is served only for a registered text.
        self.trusted_documents = trusted_documents

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = self._refusal(request, error)
        await response(scope, receive, send)

    def _refusal(self, request: Request, error: HTTPException) -> Response:
        code = getattr(error, "code", None) or _code_for_status(error.status_code)
        response = Response(
            error_body(error.reason, code),
            status_code=error.status_code,
            media_type=negotiate(request.headers.get("accept", "")),
        )
        response.headers.update(getattr(error, "headers", {}))
        response.headers.update(PRIVATE_HEADERS)
        return response

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        context = Context(request=request, response=response)
        request_id = request.scope.get("state", {}).get("request_id")
        if request_id:
            context.request_id = request_id
        await authenticate(context, request)
        context.last_event_id = request.headers.get("last-event-id") or None
        request.state.graphql_context = context
        return context

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        self.stream_cursor_into(getattr(request.state, "graphql_context", None), response)
        return response

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = SubResponse()
        sub_response.status_code = None  # type: ignore[assignment]  # set only when chosen
        del sub_response.headers["content-length"]
        # The negotiated media type travels with the per-request response.
        sub_response.media_type = negotiate(request.headers.get("accept", ""))
        return sub_response

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)

    def parse_json(self, data: str | bytes) -> Any:
        """A JSON object, or a 400 saying why the payload is not one."""
        value = _fast_json(data)
        if value is _UNDECIDED:
            value = _strict_json(data)
        if _nesting(value) > MAX_JSON_DEPTH:
            raise RequestError(400, _TOO_DEEP)
        if not isinstance(value, dict):
            raise RequestError(
                400,
                f'Expected a JSON object such as {{"query": "..."}}, got {_kind(value)}.',
            )
        return value

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData) and not isinstance(
            data.operation_name, (str, type(None))
        ):
            raise RequestError(400, "The request's `operationName` must be a string or null.")
        return data

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        sub_response = kwargs["sub_response"]
        data: GraphQLRequestData = kwargs["request_data"]
        if (
            self.http_cache is not None
            and isinstance(sub_response, SubResponse)
            and self._trusted(data.query)
        ):
            sub_response.lookup = lookup = await self.http_cache.lookup(
                headers=kwargs["request"].headers,
                method=kwargs["request_adapter"].method,
                query=data.query,
                variables=data.variables,
                operation_name=data.operation_name,
                media_type=sub_response.media_type or JSON,
            )
            if lookup is not None and lookup.entry is not None:
                return await self.http_cache.serve(lookup, kwargs["context"])
        try:
            return await super().execute_single(*args, **kwargs)
        except HTTPException as error:
            cause = error.__cause__
            method = kwargs["request_adapter"].method
            if isinstance(cause, InvalidOperationTypeError) and method == "GET":
                raise RequestError(
                    405,
                    "GET runs queries only; send mutations with POST.",
                    code="METHOD_NOT_ALLOWED",
                    headers={"Allow": "POST"},
                ) from error
            if isinstance(cause, AmbiguousOperation):
                raise RequestError(400, cause.as_http_error_reason()) from error
            raise

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        media_type = sub_response.media_type or JSON
        status = 200
        if media_type == GRAPHQL_RESPONSE_JSON and isinstance(response_data, dict):
            status = _graphql_response_status(response_data)
            if status != 200:
                # A request error never started executing, so there is no data entry.
                response_data.pop("data", None)
        lookup = sub_response.lookup if isinstance(sub_response, SubResponse) else None
        store: Entry | None = None
        if lookup is not None and isinstance(response_data, dict):
            body, store = self._cacheable_body(lookup, response_data, status)
            if body is None:
                lookup = None
        if lookup is None or isinstance(response_data, list):
            lookup = None
            body = self._encode(response_data)
        response = Response(body, status_code=status, media_type=media_type)
        response.headers.raw.extend(
            (name, value) for name, value in sub_response.headers.raw if name != b"content-type"
        )
        if sub_response.background:
            response.background = sub_response.background
        if sub_response.status_code:
            response.status_code = sub_response.status_code
        if lookup is not None and lookup.public and self.http_cache is not None:
            response.headers.update(public_headers(lookup, self.http_cache.max_age))
        else:
            response.headers.update(PRIVATE_HEADERS)
        if store is not None and lookup is not None and self.http_cache is not None:
            # Stored once the answer is sent: the caller does not wait for the cache.
            task = BackgroundTask(self.http_cache.store, lookup, store)
            if response.background is not None:
                response.background = BackgroundTasks([response.background, task])
            else:
                response.background = task
        if lookup is not None and lookup.not_modified() and self.http_cache is not None:
            headers = public_headers(lookup, self.http_cache.max_age)
            not_modified = Response(status_code=304, headers=headers)
            not_modified.background = response.background
            return not_modified
        return response

    def _cacheable_body(
        self, lookup: Lookup, response_data: GraphQLHTTPResponse, status: int
    ) -> tuple[bytes | None, Entry | None]:
        """The body of a hit, or of an answer that may be stored (with its entry); else None."""
        extensions = response_data.get("extensions")
        encoded_extensions = self._encode(extensions) if extensions else None
        if lookup.entry is not None:
            return encode_body(lookup.entry.data, encoded_extensions), None
        cost = storable_cost(response_data) if status == 200 else None
        if cost is None:
            return None, None
        data = self._encode(response_data["data"])
        entry = Entry(cost, data) if self.http_cache and self.http_cache.ttl > 0 else None
        return encode_body(data, encoded_extensions), entry

    def _encode(self, value: object) -> bytes:
        encoded = self.encode_json(value)
        return encoded.encode() if isinstance(encoded, str) else encoded

    def _trusted(self, query: str | None) -> bool:
        if self.trusted_documents is None:
            return True
        return query is not None and self.trusted_documents.get(document_hash(query)) == query

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A persisted-query GET carries `extensions` instead of `query`: it is an API call,
        # and Apollo's clients send it with `Accept: */*`.
        if "extensions" in request.query_params:
            return False
        return super().should_render_graphql_ide(request)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(render_graphiql_html(self.graphql_ide_html))


JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
# Deeper JSON than any GraphQL request needs; bounds recursion in everything after parsing.
MAX_JSON_DEPTH = 64
_TOO_DEEP = f"The request body nests JSON deeper than {MAX_JSON_DEPTH} levels."


def negotiate(accept: str) -> str:
    """The response media type for an `Accept` header (application/json unless asked)."""
    best = {JSON: 0.0, GRAPHQL_RESPONSE_JSON: 0.0}
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        target = GRAPHQL_RESPONSE_JSON if media == GRAPHQL_RESPONSE_JSON else JSON
        if media in (GRAPHQL_RESPONSE_JSON, JSON, "application/*", "*/*"):
            best[target] = max(best[target], quality)
    preferred = best[GRAPHQL_RESPONSE_JSON]
    return GRAPHQL_RESPONSE_JSON if preferred > 0 and preferred >= best[JSON] else JSON


def _graphql_response_status(response_data: GraphQLHTTPResponse) -> int:
    """200 once execution started; otherwise 400 for the client's error, 500 for ours."""
    errors = response_data.get("errors") or []
    if response_data.get("data") is not None or not errors:
        return 200
    if any(isinstance(e, dict) and e.get("path") for e in errors):
        return 200  # executed, and a field error nulled the whole result
    codes = {(e.get("extensions") or {}).get("code") for e in errors if isinstance(e, dict)}
    return 500 if "INTERNAL_SERVER_ERROR" in codes else 400


def _code_for_status(status: int) -> str:
    return {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(status, "BAD_REQUEST")


def _nesting(value: Any) -> int:
    """How deep arrays and objects nest in a decoded JSON value (iteratively)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = list(item.values()) if isinstance(item, dict) else item
        if not isinstance(children, list):
            continue
        if children:
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array"


_UNDECIDED = object()
# orjson reads integers past 64 bits as floats; json keeps them exact.
_LONG_NUMBER = re.compile(rb"\d{19}")


def _fast_json(data: str | bytes) -> Any:
    """The body decoded by orjson, or _UNDECIDED where `_strict_json` must judge it (every
    refusal, so that its reasons stay the same, and numbers orjson would round)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if _LONG_NUMBER.search(raw):
        return _UNDECIDED
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _UNDECIDED


def _strict_json(data: str | bytes) -> Any:
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(text, parse_constant=_not_json, parse_float=_finite_float)
    except UnicodeDecodeError as error:
        raise RequestError(400, "The request body is not valid UTF-8.") from error
    except RecursionError as error:
        raise RequestError(400, _TOO_DEEP) from error
    except ValueError as error:  # JSONDecodeError, and the non-JSON constants refused
        raise RequestError(400, "The request body is not valid JSON.") from error


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"{text} does not fit a double")
    return number
