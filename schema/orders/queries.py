"""Orders queries: the caller's cart, their order history, one order, and the staff search."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from models import orders as m
from resolvers.context import Info
from resolvers.orders import carts, orders
from schema.nodes import optional_typed_pk
from schema.orders.carts import CartType
from schema.orders.common import OrderStatus
from schema.orders.types import OrderConnection, OrderType
from services.orders.history import OrderFilter as OrderFilterSpec


@strawberry.input(description="Narrow the staff order list. All given conditions must hold.")
class OrderFilter:
    status: OrderStatus | None = None  # type: ignore[valid-type]
    email: str | None = strawberry.field(
        default=None, description="Part of the customer's email, case-insensitive."
    )
    number: str | None = strawberry.field(default=None, description="The exact order number.")
    placed_from: datetime | None = strawberry.field(
        default=None, description="Placed at or after this moment."
    )
    placed_to: datetime | None = strawberry.field(
        default=None, description="Placed before this moment."
    )

    def to_spec(self) -> OrderFilterSpec:
        return OrderFilterSpec(
            status=m.OrderStatus(self.status) if self.status is not None else None,
            email=self.email,
            number=self.number,
            placed_from=self.placed_from,
            placed_to=self.placed_to,
        )


@strawberry.type
class OrdersQuery:
    @strawberry.field(
        description="The caller's open cart: the guest cart of `token` (or the X-Cart-Token "
        "header), else the signed-in customer's cart; null when there is none. Another "
        "customer's cart is never returned, whatever the token."
    )
    async def cart(self, info: Info, token: str | None = None) -> CartType | None:
        row = await carts.my_cart(info, token=token)
        return CartType.from_model(row) if row is not None else None

    @strawberry.field(description="The signed-in customer's orders, newest first. Needs sign-in.")
    async def my_orders(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> OrderConnection:
        page = await orders.my_orders(info, first=first, after=after)
        return OrderConnection.from_page(page, OrderType.from_model)

    @strawberry.field(
        description="One order by ID: the customer's own (guests: with the X-Cart-Token "
        "header of the cart it was placed from), or any for staff with MANAGE_ORDERS; null "
        "otherwise."
    )
    async def order(self, info: Info, id: relay.GlobalID) -> OrderType | None:
        row = await orders.order(info, order_id=optional_typed_pk(id, "Order"))
        return OrderType.from_model(row) if row is not None else None

    @strawberry.field(description="All orders, newest first, filtered. Needs MANAGE_ORDERS.")
    async def orders(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        filter: OrderFilter | None = None,
    ) -> OrderConnection:
        spec = filter.to_spec() if filter else OrderFilterSpec()
        page = await orders.staff_orders(info, filters=spec, first=first, after=after)
        return OrderConnection.from_page(page, OrderType.from_model)
