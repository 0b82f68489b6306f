"""Order models: carts, coupons, flash prices, orders, order events, payments and refunds."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from models.accounts import User
    from models.catalog import Variant


class CartStatus(StrEnum):
    OPEN = "open"
    MERGED = "merged"
    ORDERED = "ordered"


class DeliveryMethod(StrEnum):
    STANDARD = "standard"
    EXPRESS = "express"
    PARCEL_LOCKER = "parcel_locker"
    STORE_PICKUP = "store_pickup"


class OrderStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    FULFILLING = "fulfilling"
    # Some units are in shipments, others not yet (split fulfilment).
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


# Orders in these states were bought (and not cancelled): they count as purchases.
PURCHASED_STATUSES = frozenset(
    {
        OrderStatus.PAID,
        OrderStatus.FULFILLING,
        OrderStatus.PARTIALLY_SHIPPED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.COMPLETED,
        OrderStatus.PARTIALLY_REFUNDED,
    }
)


class CouponKind(StrEnum):
    PERCENTAGE = "percentage"
    FIXED_AMOUNT = "fixed_amount"
    SPEND_THRESHOLD = "spend_threshold"
    FREE_SHIPPING = "free_shipping"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    FAILED = "failed"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    # The order was cancelled: the authorization is being released at the provider.
    VOIDING = "voiding"
    VOIDED = "voided"


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Cart(Model):
    id = fields.IntField(primary_key=True)
    # Guests hold this token; it is the cart's only credential, so it is long and random.
    token = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="carts", null=True, on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(CartStatus, max_length=16, default=CartStatus.OPEN)
    currency = fields.CharField(max_length=3, default="EUR")
    email = fields.CharField(max_length=254, null=True)
    shipping_address: fields.Field[dict[str, str] | None] = fields.JSONField(null=True)
    delivery_method = fields.CharEnumField(DeliveryMethod, max_length=16, null=True)
    delivery_date = fields.DateField(null=True)
    delivery_window = fields.CharField(max_length=20, null=True)
    payment_method = fields.CharField(max_length=40, null=True)
    coupon_codes: fields.Field[list[str]] = fields.JSONField(default=list)
    points_to_spend = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    user_id: int | None
    lines: fields.ReverseRelation[CartLine]

    class Meta:
        table = "cart"
        indexes = [Index(fields=("user_id", "status"))]


class CartLine(Model):
    id = fields.IntField(primary_key=True)
    cart: fields.ForeignKeyRelation[Cart] = fields.ForeignKeyField(
        "shopgraph.Cart", related_name="lines", on_delete=fields.CASCADE
    )
    variant: fields.ForeignKeyRelation[Variant] = fields.ForeignKeyField(
        "shopgraph.Variant", related_name="cart_lines", on_delete=fields.CASCADE
    )
    quantity = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    cart_id: int
    variant_id: int

    class Meta:
        table = "cart_line"
        unique_together = (("cart", "variant"),)
        ordering = ["id"]


class Coupon(Model):
    id = fields.IntField(primary_key=True)
    # Stored upper-cased so codes match case-insensitively.
    code = fields.CharField(max_length=40, unique=True)
    kind = fields.CharEnumField(CouponKind, max_length=20)
    value = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    threshold_amount = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    min_spend = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    starts_at = fields.DatetimeField(null=True)
    ends_at = fields.DatetimeField(null=True)
    max_uses = fields.IntField(null=True)
    per_customer_limit = fields.IntField(null=True)
    new_customers_only = fields.BooleanField(default=False)
    # The currency of value, threshold_amount and min_spend: a coupon with money terms
    # applies only to carts in this currency.
    currency = fields.CharField(max_length=3, default="EUR", db_default="EUR")
    category_ids: fields.Field[list[int]] = fields.JSONField(default=list)
    product_ids: fields.Field[list[int]] = fields.JSONField(default=list)
    used_count = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "coupon"


class FlashPrice(Model):
    """A time-boxed price for one variant, winning over its list price while it runs."""

    id = fields.IntField(primary_key=True)
    variant: fields.ForeignKeyRelation[Variant] = fields.ForeignKeyField(
        "shopgraph.Variant", related_name="flash_prices", on_delete=fields.CASCADE
    )
    price = fields.DecimalField(max_digits=12, decimal_places=2)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()

    variant_id: int

    class Meta:
        table = "flash_price"
        indexes = [Index(fields=("variant_id", "starts_at", "ends_at"))]


class Order(Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="orders", null=True, on_delete=fields.SET_NULL
    )
    email = fields.CharField(max_length=254, null=True)
    status = fields.CharEnumField(OrderStatus, max_length=24, default=OrderStatus.UNPAID)
    currency = fields.CharField(max_length=3, default="EUR")
    subtotal = fields.DecimalField(max_digits=12, decimal_places=2)
    discount_total = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    shipping_total = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    points_discount = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    total = fields.DecimalField(max_digits=12, decimal_places=2)
    refunded_total = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    shipping_address: fields.Field[dict[str, str] | None] = fields.JSONField(null=True)
    delivery_method = fields.CharEnumField(DeliveryMethod, max_length=16, null=True)
    delivery_date = fields.DateField(null=True)
    delivery_window = fields.CharField(max_length=20, null=True)
    payment_method = fields.CharField(max_length=40, null=True)
    coupon_codes: fields.Field[list[str]] = fields.JSONField(default=list)
    idempotency_key = fields.CharField(max_length=100, null=True, unique=True)
    cart: fields.ForeignKeyNullableRelation[Cart] = fields.ForeignKeyField(
        "shopgraph.Cart", related_name="orders", null=True, on_delete=fields.SET_NULL
    )
    # Stock stays reserved for an unpaid order until this moment, then is released.
    reserved_until = fields.DatetimeField(null=True)
    external_ref = fields.CharField(max_length=64, null=True, unique=True)
    placed_at = fields.DatetimeField()
    paid_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    user_id: int | None
    cart_id: int | None
    lines: fields.ReverseRelation[OrderLine]
    events: fields.ReverseRelation[OrderEvent]
    payments: fields.ReverseRelation[Payment]

    class Meta:
        table = "sales_order"
        indexes = [
            Index(fields=("user_id", "placed_at")),
            Index(fields=("status", "placed_at")),
            Index(fields=("status", "reserved_until")),
        ]


class OrderLine(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "shopgraph.Order", related_name="lines", on_delete=fields.CASCADE
    )
    variant: fields.ForeignKeyNullableRelation[Variant] = fields.ForeignKeyField(
        "shopgraph.Variant", related_name="order_lines", null=True, on_delete=fields.SET_NULL
    )
    product_id = fields.IntField(null=True, db_index=True)
    product_name = fields.CharField(max_length=300)
    sku = fields.CharField(max_length=64)
    quantity = fields.IntField()
    unit_price = fields.DecimalField(max_digits=12, decimal_places=2)
    discount = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    total = fields.DecimalField(max_digits=12, decimal_places=2)
    currency = fields.CharField(max_length=3, default="EUR", db_default="EUR")
    returned_quantity = fields.IntField(default=0)

    order_id: int
    variant_id: int | None

    class Meta:
        table = "order_line"
        ordering = ["id"]


class OrderEvent(Model):
    """The order timeline: who did what, when."""

    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "shopgraph.Order", related_name="events", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=40)
    message = fields.CharField(max_length=500, default="")
    actor_user_id = fields.IntField(null=True)
    actor = fields.CharField(max_length=40, default="system")
    data: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    order_id: int

    class Meta:
        table = "order_event"
        ordering = ["created_at", "id"]


class Payment(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "shopgraph.Order", related_name="payments", on_delete=fields.CASCADE
    )
    provider = fields.CharField(max_length=40)
    provider_reference = fields.CharField(max_length=100, null=True)
    status = fields.CharEnumField(PaymentStatus, max_length=24, default=PaymentStatus.PENDING)
    amount = fields.DecimalField(max_digits=12, decimal_places=2)
    captured_amount = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    refunded_amount = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    currency = fields.CharField(max_length=3, default="EUR")
    failure_code = fields.CharField(max_length=40, null=True)
    failure_message = fields.CharField(max_length=300, null=True)
    # Sent to the provider (with a suffix per step) so a retried or recovered call moves no
    # money twice; null only for payments made before it existed.
    idempotency_key = fields.CharField(max_length=100, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    order_id: int
    refunds: fields.ReverseRelation[Refund]

    class Meta:
        table = "payment"
        ordering = ["id"]


class Refund(Model):
    id = fields.IntField(primary_key=True)
    payment: fields.ForeignKeyRelation[Payment] = fields.ForeignKeyField(
        "shopgraph.Payment", related_name="refunds", on_delete=fields.CASCADE
    )
    amount = fields.DecimalField(max_digits=12, decimal_places=2)
    provider_reference = fields.CharField(max_length=100, null=True)
    reason = fields.CharField(max_length=300, default="")
    idempotency_key = fields.CharField(max_length=100, null=True, unique=True)
    # New refunds start PENDING (recorded before the provider is called); rows from before
    # this column existed were made inside the provider call and so succeeded.
    status = fields.CharEnumField(
        RefundStatus,
        max_length=16,
        default=RefundStatus.SUCCEEDED,
        db_default=RefundStatus.SUCCEEDED,
    )
    # [order line id, quantity] per line a return gives back (the same on every row of the
    # request); null for a refund of money only (goodwill, cancellation). Membership takes
    # back exactly what those lines earned.
    returned_lines: fields.Field[list[list[int]] | None] = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    payment_id: int

    class Meta:
        table = "refund"
        ordering = ["id"]


class CouponRedemption(Model):
    id = fields.IntField(primary_key=True)
    coupon: fields.ForeignKeyRelation[Coupon] = fields.ForeignKeyField(
        "shopgraph.Coupon", related_name="redemptions", on_delete=fields.CASCADE
    )
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "shopgraph.Order", related_name="coupon_redemptions", on_delete=fields.CASCADE
    )
    user_id = fields.IntField(null=True, db_index=True)
    email = fields.CharField(max_length=254, null=True)
    amount = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    coupon_id: int
    order_id: int

    class Meta:
        table = "coupon_redemption"
        unique_together = (("coupon", "order"),)


class FirstOrderClaim(Model):
    """Marks that a customer's first-order coupon is taken by one live order.

    One row per identity (account or e-mail): the unique identity makes two concurrent
    first orders of the same customer unable to both use a new-customers-only coupon.
    """

    id = fields.IntField(primary_key=True)
    identity = fields.CharField(max_length=300, unique=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "shopgraph.Order", related_name="first_order_claims", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    order_id: int

    class Meta:
        table = "first_order_claim"
