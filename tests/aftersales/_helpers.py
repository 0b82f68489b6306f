"""Orders that went all the way to the customer, for after-sales tests."""

from __future__ import annotations

from models.accounts import User
from models.catalog import Variant
from models.orders import Order
from services.orders import fulfilment
from services.orders.lifecycle import Actor
from tests.orders._helpers import place, ready_cart

STAFF = Actor("staff", None)


async def delivered_order(user: User, *lines: tuple[Variant, int]) -> Order:
    """A paid order of `user`, shipped and marked delivered now."""
    cart = await ready_cart(*lines, user=user)
    order = (await place(cart, user=user)).order
    await fulfilment.fulfill_order(order_id=order.id, actor=STAFF)
    await fulfilment.mark_shipped(order_id=order.id, actor=STAFF)
    await fulfilment.mark_delivered(order_id=order.id, actor=STAFF)
    return await Order.get(id=order.id)
