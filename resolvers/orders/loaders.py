"""Per-request DataLoaders for carts and orders: one SQL query per relation per request tick."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from strawberry.dataloader import DataLoader

from models.orders import Cart, CartLine, Order, OrderEvent, OrderLine, Payment, Refund
from resolvers.loaders import ByForeignKeyLoader, ByIdLoader
from services.flows import member_pricing
from services.orders.flash import FlashOffer
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
        early: dict[int | None, asyncio.Future[timedelta]] = {}
        self.flash_by_variant = FlashOfferLoader(by_product=False, early=early)
        self.flash_by_product = FlashOfferLoader(by_product=True, early=early)

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


class FlashOfferLoader(DataLoader[tuple[int | None, int], FlashOffer | None]):
    """The flash offer a shopper sees on each variant (or product: `by_product`), keyed by
    (viewer's user id, id): one offers read per page, whatever its size."""

    def __init__(
        self, *, by_product: bool, early: dict[int | None, asyncio.Future[timedelta]]
    ) -> None:
        self.by_product = by_product
        # The viewer's early access, read once per request for both loaders.
        self.early = early
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[tuple[int | None, int]]) -> list[FlashOffer | None]:
        found: dict[tuple[int | None, int], FlashOffer | None] = {}
        for user_id in {user for user, _ in keys}:
            ids = [pk for user, pk in keys if user == user_id]
            if user_id not in self.early:
                self.early[user_id] = asyncio.ensure_future(
                    member_pricing.early_flash(user_id=user_id)
                )
            offers = await member_pricing.flash_offers(
                early=await self.early[user_id],
                variant_ids=() if self.by_product else ids,
                product_ids=ids if self.by_product else (),
            )
            table = offers.by_product if self.by_product else offers.by_variant
            found.update({(user_id, pk): table.get(pk) for pk in ids})
        return [found.get(key) for key in keys]
