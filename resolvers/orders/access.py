"""Who may see and change which cart and order: owners, guests holding the cart token, staff."""

from __future__ import annotations

from models.accounts import ApiScope, Permission
from models.orders import Cart, Order
from resolvers.auth import is_partner, may, viewer
from resolvers.context import Info
from services.orders import cart as cart_service
from services.orders.errors import OrderErrorCode, error
from services.orders.lifecycle import Actor


def viewer_id(info: Info) -> int | None:
    user = viewer(info)
    return user.id if user is not None else None


def viewer_email(info: Info) -> str | None:
    user = viewer(info)
    return user.email if user is not None else None


def cart_token(info: Info, token: str | None = None) -> str | None:
    """The cart token from the argument, else from the `X-Cart-Token` header."""
    return (token or "").strip() or info.context.cart_token


def actor(info: Info) -> Actor:
    user = viewer(info)
    if user is None:
        return Actor("partner" if is_partner(info) else "guest")
    return Actor("staff" if user.has_permission(Permission.MANAGE_ORDERS) else "customer", user.id)


def can_see_cart(info: Info, cart: Cart) -> bool:
    """The customer who owns it, or (for a guest cart) whoever sent its token as the header."""
    return cart_service.may_use(cart, token=info.context.cart_token, user_id=viewer_id(info))


async def can_see_order(info: Info, order: Order) -> bool:
    """The customer, a guest holding its cart token, order staff, or a READ_ORDERS key."""
    if may(info, Permission.MANAGE_ORDERS, ApiScope.READ_ORDERS):
        return True
    return await can_act_as_customer(info, order)


async def can_act_as_customer(info: Info, order: Order) -> bool:
    """The buyer themselves (signed in, or the guest with the token); not staff."""
    if order.user_id is not None:
        return order.user_id == viewer_id(info)
    token = info.context.cart_token
    if not token or order.cart_id is None:
        return False
    cart = await info.context.loaders.orders.cart_by_id.load(order.cart_id)
    return cart is not None and cart_service.holds_token(cart, token)


async def visible_order(info: Info, order_id: int | None) -> Order:
    """The order if the caller may see it; ORDER_NOT_FOUND otherwise (existence is not leaked)."""
    order = await info.context.loaders.orders.order_by_id.load(order_id) if order_id else None
    if order is None or not await can_see_order(info, order):
        raise error(OrderErrorCode.ORDER_NOT_FOUND, "No such order.", field="orderId")
    return order
