"""Cart and checkout operations for the caller's own cart."""

from __future__ import annotations

from datetime import date

from models.orders import Cart, DeliveryMethod
from resolvers.context import Info
from resolvers.orders.access import cart_token, viewer_email, viewer_id
from services.flows import member_pricing
from services.orders import cart as cart_service
from services.orders import checkout as checkout_service
from services.orders import details as details_service
from services.orders.pricing import Pricing


async def my_cart(info: Info, *, token: str | None) -> Cart | None:
    cart = await cart_service.find_cart(token=cart_token(info, token), user_id=viewer_id(info))
    if cart is not None:
        info.context.loaders.orders.cart_by_id.prime(cart.id, cart)
    return cart


async def _cart(info: Info, token: str | None, *, create: bool = False) -> Cart:
    return await cart_service.require_cart(
        token=cart_token(info, token), user_id=viewer_id(info), create=create
    )


async def _reloaded(info: Info, cart: Cart) -> Cart:
    info.context.loaders.orders.forget_cart(cart.id)
    fresh = await cart_service.get_cart(cart_id=cart.id)
    info.context.loaders.orders.cart_by_id.prime(fresh.id, fresh)
    return fresh


async def create_cart(info: Info) -> Cart:
    return await cart_service.create_cart(user_id=viewer_id(info))


async def add_line(info: Info, *, token: str | None, variant_id: int, quantity: int) -> Cart:
    cart = await _cart(info, token, create=True)
    await cart_service.add_line(cart=cart, variant_id=variant_id, quantity=quantity)
    return await _reloaded(info, cart)


async def update_line(info: Info, *, token: str | None, line_id: int, quantity: int) -> Cart:
    cart = await _cart(info, token)
    await cart_service.update_line(cart=cart, line_id=line_id, quantity=quantity)
    return await _reloaded(info, cart)


async def remove_line(info: Info, *, token: str | None, line_id: int) -> Cart:
    cart = await _cart(info, token)
    await cart_service.remove_line(cart=cart, line_id=line_id)
    return await _reloaded(info, cart)


async def set_email(info: Info, *, token: str | None, email: str) -> Cart:
    cart = await _cart(info, token)
    return await _reloaded(info, await details_service.set_email(cart=cart, email=email))


async def set_shipping_address(
    info: Info,
    *,
    token: str | None,
    address: details_service.AddressSpec | None,
    address_id: int | None,
) -> Cart:
    cart = await _cart(info, token)
    await details_service.set_shipping_address(
        cart=cart, address=address, address_id=address_id, user_id=viewer_id(info)
    )
    return await _reloaded(info, cart)


async def set_delivery(
    info: Info, *, token: str | None, method: DeliveryMethod, when: date | None, window: str | None
) -> Cart:
    cart = await _cart(info, token)
    await details_service.set_delivery(cart=cart, method=method, when=when, window=window)
    return await _reloaded(info, cart)


async def set_payment_method(info: Info, *, token: str | None, method: str) -> Cart:
    cart = await _cart(info, token)
    await details_service.set_payment_method(cart=cart, method=method)
    return await _reloaded(info, cart)


async def apply_coupon(info: Info, *, token: str | None, code: str) -> Cart:
    cart = await _cart(info, token)
    await details_service.apply_coupon(
        cart=cart, code=code, user_id=viewer_id(info), email=viewer_email(info)
    )
    return await _reloaded(info, cart)


async def remove_coupon(info: Info, *, token: str | None, code: str) -> Cart:
    cart = await _cart(info, token)
    await details_service.remove_coupon(cart=cart, code=code)
    return await _reloaded(info, cart)


async def set_points(info: Info, *, token: str | None, points: int) -> Cart:
    cart = await _cart(info, token)
    await details_service.set_points(cart=cart, points=points, user_id=viewer_id(info))
    return await _reloaded(info, cart)


async def complete(
    info: Info, *, token: str | None, idempotency_key: str, payment_token: str | None
) -> checkout_service.CheckoutResult:
    result = await checkout_service.complete_checkout(
        cart_token=cart_token(info, token),
        user_id=viewer_id(info),
        user_email=viewer_email(info),
        idempotency_key=idempotency_key,
        payment_token=payment_token,
    )
    info.context.loaders.orders.forget_order(result.order.id)
    return result


async def points_to_earn(info: Info, pricing: Pricing) -> int:
    """The points the signed-in customer's cart would earn if paid now (0 for guests)."""
    return await member_pricing.points_to_earn(
        user_id=viewer_id(info),
        line_totals=[line.total for line in pricing.lines],
        points_discount=pricing.points.amount,
    )
