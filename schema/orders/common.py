"""Enums, money and the owned-Node base shared by the cart and order types."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

import strawberry

from models import orders as m
from schema.catalog.types import Money
from schema.nodes import LoadedNode
from services.orders.coupons import CENT

CartStatus = strawberry.enum(
    m.CartStatus,
    name="CartStatus",
    description="OPEN carts can change; MERGED ones were folded into a customer's cart at "
    "sign-in; ORDERED ones became an order.",
)
DeliveryMethod = strawberry.enum(
    m.DeliveryMethod,
    name="DeliveryMethod",
    description="How the parcel reaches the shopper. Fees depend on the cart's currency (see "
    "Cart.deliveryOptions). EUR: STANDARD 4.95 (free from 50.00 of goods after discounts), "
    "EXPRESS 9.95, PARCEL_LOCKER 3.95, STORE_PICKUP free. GBP: STANDARD 3.95 (free from "
    "45.00), EXPRESS 8.95, PARCEL_LOCKER 2.95, STORE_PICKUP free.",
)
OrderStatus = strawberry.enum(
    m.OrderStatus,
    name="OrderStatus",
    description="UNPAID -> PAID -> FULFILLING -> SHIPPED -> DELIVERED -> COMPLETED; "
    "PARTIALLY_SHIPPED while some units are in shipments and others not (the order follows "
    "its shipments); "
    "CANCELLED before shipping; REFUNDED / PARTIALLY_REFUNDED after money was given back.",
)
CouponKind = strawberry.enum(
    m.CouponKind,
    name="CouponKind",
    description="PERCENTAGE off, FIXED_AMOUNT off, SPEND_THRESHOLD (spend X, save Y) or "
    "FREE_SHIPPING.",
)
PaymentStatus = strawberry.enum(
    m.PaymentStatus, name="PaymentStatus", description="Where a payment attempt stands."
)


def money(amount: Decimal | int | str, currency: str) -> Money:
    return Money(amount=Decimal(amount).quantize(CENT), currency=currency)


class OwnedNode(LoadedNode):
    """A Node read through the orders loaders; only its owner (or staff) gets it back."""

    loader_group: ClassVar[str] = "orders"


@strawberry.type(description="A postal address on a cart or order.")
class ShippingAddress:
    full_name: str
    line1: str
    line2: str
    city: str
    postal_code: str
    region: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. DE.")
    phone: str

    @classmethod
    def from_json(cls, value: dict[str, str] | None) -> ShippingAddress | None:
        if not value:
            return None
        return cls(
            full_name=value.get("full_name", ""),
            line1=value.get("line1", ""),
            line2=value.get("line2", ""),
            city=value.get("city", ""),
            postal_code=value.get("postal_code", ""),
            region=value.get("region", ""),
            country=value.get("country", ""),
            phone=value.get("phone", ""),
        )


@strawberry.type(description="The chosen delivery method, day and time window.")
class DeliveryChoice:
    method: DeliveryMethod  # type: ignore[valid-type]
    date: date | None = strawberry.field(description="Requested delivery day, if any.")
    window: str | None = strawberry.field(description='Time window such as "09:00-12:00".')

    @classmethod
    def of(cls, row: Any) -> DeliveryChoice | None:
        """The delivery chosen on a cart or order row, or None before one is chosen."""
        if row.delivery_method is None:
            return None
        return cls(
            method=m.DeliveryMethod(row.delivery_method),
            date=row.delivery_date,
            window=row.delivery_window,
        )


@strawberry.type(description="A discount on the cart or order, and why it was given.")
class Discount:
    code: str | None = strawberry.field(description="The coupon code, e.g. TOYS10.")
    kind: CouponKind  # type: ignore[valid-type]
    amount: Money
    reason: str = strawberry.field(description='e.g. "10% off with TOYS10".')
