"""Per-request DataLoaders for carts and orders: one SQL query per relation per request tick."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from models.orders import Cart, CartLine, Order, OrderEvent, OrderLine, Payment, Refund
from resolvers.loaders import ByForeignKeyLoader, ByIdLoader
from services.orders.pricing import Pricing, price_carts


def forget(loader: DataLoader[Any, Any], key: int) -> None:
    """Drop a cached key (strawberry's `clear` raises for keys it never loaded)."""
    with contextlib.suppress(KeyError):
        loader.clear(key)


class CartPricingLoader(DataLoader[int, Pricing | None]):
    """Each cart priced now (lines, coupons, delivery, totals); None for unknown carts."""

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[Pricing | None]:
        priced = await price_carts(cart_ids=keys)
        return [priced.get(key) for key in keys]


class OrdersLoaders:
    """The orders domain's loaders, created fresh for every request."""

    def __init__(self) -> None:
        self.cart_by_id = ByIdLoader(Cart)
        self.cart_line_by_id = ByIdLoader(CartLine)
        self.cart_pricing = CartPricingLoader()
        self.order_by_id = ByIdLoader(Order)
        self.order_line_by_id = ByIdLoader(OrderLine)
        self.payment_by_id = ByIdLoader(Payment)
        self.lines_by_order_id = ByForeignKeyLoader(OrderLine, "order_id")
        self.payments_by_order_id = ByForeignKeyLoader(Payment, "order_id")
        self.events_by_order_id = ByForeignKeyLoader(OrderEvent, "order_id")
        self.refunds_by_payment_id = ByForeignKeyLoader(Refund, "payment_id")

    def prime_orders(self, orders: Sequence[Order]) -> None:
        for order in orders:
            self.order_by_id.prime(order.pk, order)

    def forget_cart(self, cart_id: int) -> None:
        """After a change to a cart, read and price it again when next asked."""
        forget(self.cart_pricing, cart_id)
        forget(self.cart_by_id, cart_id)

    def forget_order(self, order_id: int) -> None:
        """After a change to an order, read it and its relations again when next asked."""
        for loader in (
            self.order_by_id,
            self.lines_by_order_id,
            self.payments_by_order_id,
            self.events_by_order_id,
        ):
            forget(loader, order_id)
