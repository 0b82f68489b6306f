"""Order types: orders, their lines, payments, refunds and timeline; coupons for staff."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, ClassVar, Self

import strawberry
from strawberry import relay

from models import orders as m
from models.orders import Order, OrderEvent, OrderLine, Payment, Refund, RefundStatus
from resolvers.context import Info
from resolvers.orders.access import can_see_order
from schema.catalog.types import Money, VariantType
from schema.connections import CountedConnection
from schema.orders.common import (
    CouponKind,
    DeliveryChoice,
    Discount,
    OrderStatus,
    OwnedNode,
    PaymentStatus,
    ShippingAddress,
    money,
)
from services.orders import lifecycle
from services.orders.discounts import placed_discounts

if TYPE_CHECKING:
    from schema.logistics.types import ShipmentType


@strawberry.type(description="Money back on a payment.")
class RefundType:
    amount: Money
    reason: str
    created_at: datetime

    @classmethod
    def from_model(cls, row: Refund, currency: str) -> RefundType:
        return cls(amount=money(row.amount, currency), reason=row.reason, created_at=row.created_at)


@strawberry.type(name="Payment", description="One attempt to pay for an order.")
class PaymentType(OwnedNode):
    loader: ClassVar[str] = "payment_by_id"
    id: relay.NodeID[int]
    provider: str
    status: PaymentStatus  # type: ignore[valid-type]
    amount: Money
    captured_amount: Money
    refunded_amount: Money
    failure_code: str | None = strawberry.field(
        description="For a FAILED payment: an OrderErrorCode such as CARD_DECLINED."
    )
    failure_message: str | None
    created_at: datetime
    currency: strawberry.Private[str]

    @classmethod
    async def visible(cls, info: Info, row: Payment) -> bool:
        order = await info.context.loaders.orders.order_by_id.load(row.order_id)
        return order is not None and await can_see_order(info, order)

    @classmethod
    def from_model(cls, row: Payment) -> Self:
        c = row.currency
        return cls(
            id=row.id,
            provider=row.provider,
            status=m.PaymentStatus(row.status),
            amount=money(row.amount, c),
            captured_amount=money(row.captured_amount, c),
            refunded_amount=money(row.refunded_amount, c),
            failure_code=row.failure_code,
            failure_message=row.failure_message,
            created_at=row.created_at,
            currency=c,
        )

    @strawberry.field(
        description="Refunds made on this payment, oldest first (not those still being "
        "processed or refused by the provider)."
    )
    async def refunds(self, info: Info) -> list[RefundType]:
        rows = await info.context.loaders.orders.refunds_by_payment_id.load(self.id)
        return [
            RefundType.from_model(row, self.currency)
            for row in rows
            if row.status == RefundStatus.SUCCEEDED
        ]


@strawberry.type(name="OrderLine", description="One variant of an order, as it was sold.")
class OrderLineType(OwnedNode):
    loader: ClassVar[str] = "order_line_by_id"
    id: relay.NodeID[int]
    product_name: str = strawberry.field(description="The name when ordered.")
    sku: str
    quantity: int
    unit_price: Money = strawberry.field(description="Price of one unit when ordered.")
    discount: Money = strawberry.field(description="This line's share of coupon discounts.")
    total: Money = strawberry.field(description="unitPrice x quantity - discount.")
    returned_quantity: int
    variant_id: strawberry.Private[int | None]

    @classmethod
    async def visible(cls, info: Info, row: OrderLine) -> bool:
        order = await info.context.loaders.orders.order_by_id.load(row.order_id)
        return order is not None and await can_see_order(info, order)

    @classmethod
    def from_model(cls, row: OrderLine) -> Self:
        c = row.currency
        return cls(
            id=row.id,
            product_name=row.product_name,
            sku=row.sku,
            quantity=row.quantity,
            unit_price=money(row.unit_price, c),
            discount=money(row.discount, c),
            total=money(row.total, c),
            returned_quantity=row.returned_quantity,
            variant_id=row.variant_id,
        )

    @strawberry.field(description="The variant, while it still exists in the catalog.")
    async def variant(self, info: Info) -> VariantType | None:
        if self.variant_id is None:
            return None
        row = await info.context.loaders.catalog.variant_by_id.load(self.variant_id)
        return VariantType.from_model(row) if row is not None else None


@strawberry.type(description="One entry of an order's timeline: who did what, when.")
class OrderEventType:
    kind: str = strawberry.field(
        description="placed, paid, payment_failed, fulfilling, shipped, delivered, completed, "
        "cancelled, reservation_expired, refunded, partially_refunded."
    )
    message: str
    actor: str = strawberry.field(
        description="customer, guest, staff, partner (an API key) or system."
    )
    created_at: datetime

    @classmethod
    def from_model(cls, row: OrderEvent) -> OrderEventType:
        return cls(kind=row.kind, message=row.message, actor=row.actor, created_at=row.created_at)


@strawberry.type(
    description="What the order cost: total = subtotal + shipping - discountTotal - pointsDiscount."
)
class OrderTotals:
    subtotal: Money
    discounts: list[Discount]
    discount_total: Money
    shipping: Money
    points_discount: Money
    total: Money
    refunded_total: Money = strawberry.field(description="Money given back so far.")


@strawberry.type(name="Order", description="A placed order.")
class OrderType(OwnedNode):
    loader: ClassVar[str] = "order_by_id"
    id: relay.NodeID[int]
    number: str = strawberry.field(description="What the shopper quotes, e.g. SG250312-7K2M9Q.")
    status: OrderStatus  # type: ignore[valid-type]
    email: str | None
    currency: str
    placed_at: datetime
    paid_at: datetime | None
    reserved_until: datetime | None = strawberry.field(
        description="For an UNPAID order: its stock is held until then; after that the order "
        "is cancelled. Pay with orderPay before."
    )
    shipping_address: ShippingAddress | None
    delivery: DeliveryChoice | None
    payment_method: str | None
    coupon_codes: list[str]
    row: strawberry.Private[Order]

    @classmethod
    async def visible(cls, info: Info, row: Order) -> bool:
        return await can_see_order(info, row)

    @classmethod
    def from_model(cls, row: Order) -> Self:
        return cls(
            id=row.id,
            number=row.number,
            status=m.OrderStatus(row.status),
            email=row.email,
            currency=row.currency,
            placed_at=row.placed_at,
            paid_at=row.paid_at,
            reserved_until=row.reserved_until,
            shipping_address=ShippingAddress.from_json(row.shipping_address),
            delivery=DeliveryChoice.of(row),
            payment_method=row.payment_method,
            coupon_codes=list(row.coupon_codes or []),
            row=row,
        )

    @strawberry.field(description="True while the shopper may still cancel (before shipping).")
    def can_cancel(self) -> bool:
        return m.OrderStatus(self.row.status) in lifecycle.CANCELLABLE

    @strawberry.field
    async def totals(self, info: Info) -> OrderTotals:
        row, c = self.row, self.row.currency
        events = await info.context.loaders.orders.events_by_order_id.load(self.id)
        return OrderTotals(
            subtotal=money(row.subtotal, c),
            discounts=[
                Discount(code=d.code, kind=d.kind, amount=money(d.amount, c), reason=d.reason)
                for d in placed_discounts(events)
            ],
            discount_total=money(row.discount_total, c),
            shipping=money(row.shipping_total, c),
            points_discount=money(row.points_discount, c),
            total=money(row.total, c),
            refunded_total=money(row.refunded_total, c),
        )

    @strawberry.field
    async def lines(self, info: Info) -> list[OrderLineType]:
        rows = await info.context.loaders.orders.lines_by_order_id.load(self.id)
        return [OrderLineType.from_model(row) for row in rows]

    @strawberry.field(description="Payment attempts, oldest first (failed ones included).")
    async def payments(self, info: Info) -> list[PaymentType]:
        rows = await info.context.loaders.orders.payments_by_order_id.load(self.id)
        return [PaymentType.from_model(row) for row in rows]

    @strawberry.field(description="The timeline: who did what, when, oldest first.")
    async def events(self, info: Info) -> list[OrderEventType]:
        rows = await info.context.loaders.orders.events_by_order_id.load(self.id)
        return [OrderEventType.from_model(row) for row in rows]

    @strawberry.field(
        description="The order's parcels (split fulfilment), oldest first, with their tracking."
    )
    async def shipments(
        self, info: Info
    ) -> list[Annotated[ShipmentType, strawberry.lazy("schema.logistics.types")]]:
        from schema.logistics.types import ShipmentType

        rows = await info.context.loaders.logistics.shipments_by_order_id.load(self.id)
        return [ShipmentType.from_model(row) for row in sorted(rows, key=lambda r: r.id)]


@strawberry.type(description="A page of orders, newest first.")
class OrderConnection(CountedConnection[OrderType]):
    pass


@strawberry.type(name="Coupon", description="A coupon, as staff see it.")
class CouponType:
    code: str
    kind: CouponKind  # type: ignore[valid-type]
    value: Decimal = strawberry.field(
        description="Percent for PERCENTAGE; amount off for FIXED_AMOUNT and SPEND_THRESHOLD."
    )
    threshold_amount: Decimal | None = strawberry.field(
        description="SPEND_THRESHOLD: spend at least this on eligible items."
    )
    min_spend: Decimal | None = strawberry.field(description="Cart subtotal needed to use it.")
    currency: str = strawberry.field(
        description="ISO 4217 code of value (for FIXED_AMOUNT and SPEND_THRESHOLD), "
        "thresholdAmount and minSpend. A coupon with any of these applies only to carts in "
        "this currency (CURRENCY_MISMATCH otherwise); a PERCENTAGE or FREE_SHIPPING coupon "
        "without minSpend applies in every currency."
    )
    starts_at: datetime | None
    ends_at: datetime | None
    max_uses: int | None = strawberry.field(description="Uses in total; null for unlimited.")
    per_customer_limit: int | None
    new_customers_only: bool = strawberry.field(
        description="Only for shoppers without a previous paid order."
    )
    used_count: int
    category_ids: list[relay.GlobalID] = strawberry.field(
        description="Scope: these categories and their descendants (empty: everything)."
    )
    product_ids: list[relay.GlobalID] = strawberry.field(description="Scope: these products.")

    @classmethod
    def from_model(cls, row: m.Coupon) -> CouponType:
        return cls(
            code=row.code,
            kind=m.CouponKind(row.kind),
            value=Decimal(row.value),
            threshold_amount=row.threshold_amount,
            min_spend=row.min_spend,
            currency=row.currency,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            max_uses=row.max_uses,
            per_customer_limit=row.per_customer_limit,
            new_customers_only=row.new_customers_only,
            used_count=row.used_count,
            category_ids=[relay.GlobalID("Category", str(i)) for i in row.category_ids or []],
            product_ids=[relay.GlobalID("Product", str(i)) for i in row.product_ids or []],
        )
