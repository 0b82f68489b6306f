"""The GraphQL HTTP/WebSocket view: per-request context and an offline GraphiQL."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api.graphiql import render_graphiql_html
from models.accounts import User
from resolvers.context import Context
from services.accounts import tokens


async def authenticate(context: Context, request: Request | WebSocket) -> None:
    """Fill the caller from `Authorization: Bearer`, `X-Api-Key` and `X-Cart-Token`.

    A missing, expired or forged credential leaves the caller a guest: fields that need a
    user then say so, instead of the whole request failing.
    """
    headers = request.headers
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        user_id = tokens.decode_access_token(authorization[7:].strip())
        if user_id is not None:
            context.user = await User.get_or_none(id=user_id, is_active=True)
    api_key = headers.get("x-api-key")
    if api_key:
        context.api_key = await tokens.authenticate_api_key(api_key.strip())
    cart_token = headers.get("x-cart-token")
    if cart_token and len(cart_token) <= 64:
        context.cart_token = cart_token.strip()


class ShopGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI view with our context and locally served GraphiQL assets."""

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        context = Context(request=request, response=response)
        request_id = request.scope.get("state", {}).get("request_id")
        if request_id:
            context.request_id = request_id
        await authenticate(context, request)
        return context

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(render_graphiql_html(self.graphql_ide_html))
