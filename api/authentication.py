"""Who is calling: the credentials of an HTTP request or WebSocket, read into the context."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from resolvers.context import Context
from services.accounts import tokens
from services.events import actors

MAX_CART_TOKEN = 64


async def authenticate(context: Context, request: HTTPConnection) -> None:
    """Fill the caller from `Authorization: Bearer`, `X-Api-Key` and `X-Cart-Token`.

    A missing, expired, forged or signed-out credential leaves the caller a guest: fields
    that need a user then say so, instead of the whole request failing.
    """
    headers = request.headers
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        context.user = await tokens.user_for_access_token(authorization[7:].strip())
    api_key = headers.get("x-api-key")
    if api_key:
        context.api_key = await tokens.authenticate_api_key(api_key.strip())
    cart_token = headers.get("x-cart-token", "").strip()
    if cart_token and len(cart_token) <= MAX_CART_TOKEN:
        context.cart_token = cart_token
    actors.set_current(event_actor(context))


def event_actor(context: Context) -> str:
    """Who the events this request writes name: the signed-in user, else the API key."""
    if context.user is not None:
        user = context.user
        return actors.staff(user.id) if user.is_staff else actors.customer(user.id)
    if context.api_key is not None:
        return actors.api_key(context.api_key.id)
    return actors.guest()
