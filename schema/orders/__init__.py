"""Orders types and operations: carts, checkout, orders, payments and coupons."""

from schema.orders.mutations import OrdersMutation
from schema.orders.queries import OrdersQuery

__all__ = ["OrdersMutation", "OrdersQuery"]
