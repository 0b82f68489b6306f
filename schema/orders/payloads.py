"""Orders mutation payloads: the cart or order a change left behind, or why it failed."""

from __future__ import annotations

from collections.abc import Awaitable

import strawberry

from models.orders import Cart, Coupon, Order
from schema.orders.carts import CartType
from schema.orders.errors import OrderError, as_errors, attempt
from schema.orders.types import CouponType, OrderType
from services.orders.checkout import CheckoutResult


@strawberry.type(description="The cart after the change, or why it failed.")
class CartPayload:
    cart: CartType | None
    errors: list[OrderError]


@strawberry.type(description="The order, or why it could not be placed or paid.")
class OrderPayload:
    order: OrderType | None = strawberry.field(
        description="Also present when only the payment failed: the order then stays UNPAID "
        "with its stock reserved until `reservedUntil`; retry with orderPay."
    )
    errors: list[OrderError]


@strawberry.type(description="The new coupon, or why it could not be created.")
class CouponPayload:
    coupon: CouponType | None
    errors: list[OrderError]


async def cart_payload(call: Awaitable[Cart]) -> CartPayload:
    row, errors = await attempt(call)
    return CartPayload(cart=CartType.from_model(row) if row is not None else None, errors=errors)


async def order_payload(call: Awaitable[Order]) -> OrderPayload:
    row, errors = await attempt(call)
    return OrderPayload(order=OrderType.from_model(row) if row is not None else None, errors=errors)


async def payment_payload(call: Awaitable[CheckoutResult]) -> OrderPayload:
    """A placed or paid order; a failed payment is reported beside the order it left UNPAID."""
    result, errors = await attempt(call)
    if result is None:
        return OrderPayload(order=None, errors=errors)
    problems = [result.payment_error] if result.payment_error else []
    return OrderPayload(order=OrderType.from_model(result.order), errors=as_errors(problems))


async def coupon_payload(call: Awaitable[Coupon]) -> CouponPayload:
    row, errors = await attempt(call)
    return CouponPayload(
        coupon=CouponType.from_model(row) if row is not None else None, errors=errors
    )
