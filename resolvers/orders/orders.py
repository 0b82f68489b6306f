"""Order reads (own history, staff search) and order operations (pay, cancel, fulfil, refund)."""

from __future__ import annotations

from decimal import Decimal

from models.accounts import ApiScope, Permission
from models.orders import Coupon, Order
from resolvers.auth import (
    has_permission,
    has_scope,
    is_partner,
    missing_scope,
    require_permission,
    require_permission_or_scope,
    require_user,
)
from resolvers.context import Info
from resolvers.orders.access import actor, can_act_as_customer, visible_order
from resolvers.pagination import Page, window
from services.errors import DomainError
from services.flows import order_shipping
from services.orders import checkout as checkout_service
from services.orders import coupons as coupon_service
from services.orders import fulfilment, refunds
from services.orders.errors import OrderErrorCode, error
from services.orders.history import OrderFilter, get_order, list_orders


async def _page(
    info: Info, filters: OrderFilter, first: int | None, after: str | None
) -> Page[Order]:
    win = window(first, after)
    found = await list_orders(filters=filters, offset=win.offset, limit=win.limit)
    info.context.loaders.orders.prime_orders(found.orders)
    return Page(items=found.orders, offset=win.offset, total=found.total, has_next=found.has_next)


async def my_orders(info: Info, *, first: int | None, after: str | None) -> Page[Order]:
    user = require_user(info)
    return await _page(info, OrderFilter(user_id=user.id), first, after)


async def staff_orders(
    info: Info, *, filters: OrderFilter, first: int | None, after: str | None
) -> Page[Order]:
    require_permission_or_scope(info, Permission.MANAGE_ORDERS, ApiScope.READ_ORDERS)
    return await _page(info, filters, first, after)


async def order(info: Info, *, order_id: int | None) -> Order | None:
    if is_partner(info) and not has_scope(info, ApiScope.READ_ORDERS):
        raise missing_scope(ApiScope.READ_ORDERS)
    try:
        return await visible_order(info, order_id)
    except DomainError:
        return None


async def _fresh(info: Info, order_id: int) -> Order:
    info.context.loaders.orders.forget_order(order_id)
    return await get_order(order_id=order_id)


async def pay(
    info: Info, *, order_id: int | None, payment_token: str
) -> checkout_service.CheckoutResult:
    found = await visible_order(info, order_id)
    if not await can_act_as_customer(info, found):
        raise error(OrderErrorCode.ORDER_NOT_FOUND, "No such order.", field="orderId")
    result = await checkout_service.pay_order(
        order=found, payment_token=payment_token, actor=actor(info)
    )
    return checkout_service.CheckoutResult(
        await _fresh(info, found.id), payment_error=result.payment_error
    )


async def cancel(info: Info, *, order_id: int | None, reason: str) -> Order:
    found = await visible_order(info, order_id)
    is_staff = has_permission(info, Permission.MANAGE_ORDERS)
    if not is_staff and not await can_act_as_customer(info, found):
        raise error(OrderErrorCode.ORDER_NOT_FOUND, "No such order.", field="orderId")
    await refunds.cancel_order(order_id=found.id, actor=actor(info), reason=reason)
    return await _fresh(info, found.id)


async def _order_to_ship(info: Info, order_id: int | None) -> Order:
    """The order for a fulfilment step: order staff, or a key with WRITE_SHIPMENTS."""
    require_permission_or_scope(info, Permission.MANAGE_ORDERS, ApiScope.WRITE_SHIPMENTS)
    if not has_scope(info, ApiScope.WRITE_SHIPMENTS):
        return await visible_order(info, order_id)
    found = await info.context.loaders.orders.order_by_id.load(order_id) if order_id else None
    if found is None:
        raise error(OrderErrorCode.ORDER_NOT_FOUND, "No such order.", field="orderId")
    return found


async def fulfill(info: Info, *, order_id: int | None) -> Order:
    found = await _order_to_ship(info, order_id)
    await fulfilment.fulfill_order(order_id=found.id, actor=actor(info))
    return await _fresh(info, found.id)


async def mark_shipped(
    info: Info,
    *,
    order_id: int | None,
    note: str,
    carrier: str | None = None,
    tracking_number: str | None = None,
) -> Order:
    found = await _order_to_ship(info, order_id)
    await order_shipping.mark_shipped(
        order_id=found.id,
        actor=actor(info),
        note=note,
        carrier_code=carrier,
        tracking_number=tracking_number,
    )
    return await _fresh(info, found.id)


async def mark_delivered(info: Info, *, order_id: int | None) -> Order:
    found = await _order_to_ship(info, order_id)
    await fulfilment.mark_delivered(order_id=found.id, actor=actor(info))
    return await _fresh(info, found.id)


async def refund(
    info: Info,
    *,
    order_id: int | None,
    amount: Decimal,
    reason: str,
    idempotency_key: str | None,
) -> Order:
    require_permission(info, Permission.MANAGE_ORDERS)
    found = await visible_order(info, order_id)
    await refunds.refund_order(
        order_id=found.id,
        amount=amount,
        reason=reason,
        actor=actor(info),
        idempotency_key=idempotency_key,
    )
    return await _fresh(info, found.id)


async def create_coupon(info: Info, *, spec: coupon_service.CouponSpec) -> Coupon:
    require_permission(info, Permission.MANAGE_ORDERS)
    return await coupon_service.create_coupon(spec=spec)
