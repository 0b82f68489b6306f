"""The GraphQL HTTP/WebSocket view: per-request context and an offline GraphiQL."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api.graphiql import render_graphiql_html
from resolvers.context import Context


class ShopGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI view with our context and locally served GraphiQL assets."""

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        context = Context(request=request, response=response)
        request_id = request.scope.get("state", {}).get("request_id")
        if request_id:
            context.request_id = request_id
        return context

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(render_graphiql_html(self.graphql_ide_html))
