"""Cart, checkout and order types: what shoppers and staff read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, Self

import strawberry
from strawberry import relay

from models import orders as m
from models.orders import Cart, CartLine, Order, OrderEvent, OrderLine, Payment, Refund
from resolvers.context import Info
from resolvers.orders.access import can_see_cart, can_see_order
from resolvers.pagination import Page
from schema.catalog import TOTAL_COUNT, Money, VariantType, _connection_fields, _pk
from schema.orders.errors import OrderError, as_errors
from services.orders import lifecycle
from services.orders.coupons import CENT
from services.orders.pricing import (
    DELIVERY_FEES,
    DELIVERY_LABELS,
    FREE_STANDARD_DELIVERY_FROM,
    PricedLine,
    Pricing,
    delivery_fee,
)

CartStatus = strawberry.enum(
    m.CartStatus,
    name="CartStatus",
    description="OPEN carts can change; MERGED ones were folded into a customer's cart at "
    "sign-in; ORDERED ones became an order.",
)
DeliveryMethod = strawberry.enum(
    m.DeliveryMethod,
    name="DeliveryMethod",
    description="How the parcel reaches the shopper: STANDARD 4.95 (free from 50.00 of goods "
    "after discounts), EXPRESS 9.95, PARCEL_LOCKER 3.95, STORE_PICKUP free.",
)
OrderStatus = strawberry.enum(
    m.OrderStatus,
    name="OrderStatus",
    description="UNPAID -> PAID -> FULFILLING -> SHIPPED -> DELIVERED -> COMPLETED; "
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


class OwnedNode(relay.Node):
    """A Node read through the orders loaders; only its owner (or staff) gets it back."""

    loader: ClassVar[str]

    @classmethod
    def from_model(cls, row: Any) -> Self:
        raise NotImplementedError

    @classmethod
    async def visible(cls, info: Info, row: Any) -> bool:
        return False

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        keys = [_pk(node_id) for node_id in node_ids]
        loader = getattr(info.context.loaders.orders, cls.loader)
        rows = await loader.load_many([key for key in keys if key is not None])
        found = iter(rows)
        result: list[Self | None] = []
        for key in keys:
            row = next(found) if key is not None else None
            visible = row is not None and await cls.visible(info, row)
            result.append(cls.from_model(row) if visible else None)
        return result


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


@strawberry.type(description="A delivery method the shopper can pick, priced for this cart.")
class DeliveryOption:
    method: DeliveryMethod  # type: ignore[valid-type]
    label: str
    fee: Money = strawberry.field(description="What this method costs for the cart as it is.")
    list_fee: Money = strawberry.field(description="The method's usual fee.")


@strawberry.type(description="A discount on the cart or order, and why it was given.")
class Discount:
    code: str | None = strawberry.field(description="The coupon code, e.g. TOYS10.")
    kind: CouponKind  # type: ignore[valid-type]
    amount: Money
    reason: str = strawberry.field(description='e.g. "10% off with TOYS10".')


def _discounts(pricing: Pricing) -> list[Discount]:
    return [
        Discount(
            code=d.code,
            kind=d.kind,
            amount=money(d.amount, pricing.currency),
            reason=d.reason,
        )
        for d in pricing.discounts
    ]


@strawberry.type(
    description="What the shopper pays, computed on the server: "
    "total = subtotal + shipping - discountTotal - pointsDiscount (never below 0)."
)
class CheckoutTotals:
    subtotal: Money = strawberry.field(
        description="Lines at their unit prices (flash prices included), before coupons."
    )
    discounts: list[Discount] = strawberry.field(
        description="Coupons in effect. Stacking rule: at most one PERCENTAGE, FIXED_AMOUNT "
        "or SPEND_THRESHOLD coupon per order plus optionally one FREE_SHIPPING coupon; "
        "percentage and fixed discounts apply only to in-scope lines and never below zero."
    )
    discount_total: Money = strawberry.field(description="Sum of `discounts`.")
    shipping: Money = strawberry.field(
        description="The fee of the chosen delivery method (0.00 until one is chosen). A "
        "FREE_SHIPPING coupon shows up in `discounts`, not here."
    )
    shipping_note: str = strawberry.field(description='e.g. "Free standard delivery from 50.00".')
    points_discount: Money = strawberry.field(
        description="What `pointsToSpend` takes off. Always 0.00 for now: points cannot be "
        "spent yet; membership will switch this on without an API change."
    )
    points_note: str
    total: Money = strawberry.field(description="What will be charged.")

    @classmethod
    def from_pricing(cls, pricing: Pricing) -> CheckoutTotals:
        c = pricing.currency
        return cls(
            subtotal=money(pricing.subtotal, c),
            discounts=_discounts(pricing),
            discount_total=money(pricing.discount_total, c),
            shipping=money(pricing.delivery_fee, c),
            shipping_note=pricing.delivery_note,
            points_discount=money(pricing.points.amount, c),
            points_note=pricing.points.note,
            total=money(pricing.total, c),
        )


@strawberry.type(name="CartLine", description="One variant in a cart, priced now.")
class CartLineType(OwnedNode):
    loader: ClassVar[str] = "cart_line_by_id"
    id: relay.NodeID[int]
    quantity: int
    product_name: str
    unit_price: Money = strawberry.field(
        description="Price of one unit now: an active flash price wins over the list price."
    )
    list_price: Money = strawberry.field(description="The variant's regular price.")
    subtotal: Money = strawberry.field(description="unitPrice x quantity.")
    discount: Money = strawberry.field(description="This line's share of coupon discounts.")
    total: Money = strawberry.field(description="subtotal - discount.")
    price_notes: list[str] = strawberry.field(
        description='Why the line costs what it costs, e.g. "Flash price until 18:00 UTC", '
        '"10% off with TOYS10". Empty at the regular price.'
    )
    variant_row: strawberry.Private[Any]

    @strawberry.field(description="The variant in the cart.")
    def variant(self) -> VariantType:
        return VariantType.from_model(self.variant_row)

    @classmethod
    def from_priced(cls, line: PricedLine, currency: str) -> Self:
        return cls(
            id=line.line_id,
            quantity=line.quantity,
            product_name=line.product.name,
            unit_price=money(line.unit_price, currency),
            list_price=money(line.list_price, currency),
            subtotal=money(line.subtotal, currency),
            discount=money(line.discount, currency),
            total=money(line.total, currency),
            price_notes=list(line.notes),
            variant_row=line.variant,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        loaders = info.context.loaders.orders
        result: list[Self | None] = []
        for node_id in node_ids:
            key = _pk(node_id)
            row: CartLine | None = await loaders.cart_line_by_id.load(key) if key else None
            cart = await loaders.cart_by_id.load(row.cart_id) if row else None
            if row is None or cart is None or not can_see_cart(info, cart):
                result.append(None)
                continue
            pricing = await loaders.cart_pricing.load(cart.id)
            priced = (
                next((p for p in pricing.lines if p.line_id == row.id), None) if pricing else None
            )
            result.append(cls.from_priced(priced, pricing.currency) if priced and pricing else None)
        return result


@strawberry.type(
    name="Cart",
    description="A shopping cart with its checkout choices. Guests hold it by its token; "
    "a signed-in customer has one open cart.",
)
class CartType(OwnedNode):
    loader: ClassVar[str] = "cart_by_id"
    id: relay.NodeID[int]
    token: str = strawberry.field(
        description="The guest cart's credential: send it as the `X-Cart-Token` header. "
        "Keep it private; a customer's cart also needs the customer signed in."
    )
    status: CartStatus  # type: ignore[valid-type]
    email: str | None = strawberry.field(description="Where a guest's receipt goes.")
    currency: str
    shipping_address: ShippingAddress | None
    delivery: DeliveryChoice | None
    payment_method: str | None = strawberry.field(description="Payment provider, e.g. `test`.")
    coupon_codes: list[str] = strawberry.field(description="Coupons applied, upper-cased.")
    points_to_spend: int = strawberry.field(
        description="Loyalty points the shopper wants to spend. Points cannot be spent yet, so "
        "this takes nothing off (see totals.pointsDiscount)."
    )
    updated_at: datetime

    @classmethod
    async def visible(cls, info: Info, row: Cart) -> bool:
        return can_see_cart(info, row)

    @classmethod
    def from_model(cls, row: Cart) -> Self:
        delivery = None
        if row.delivery_method is not None:
            delivery = DeliveryChoice(
                method=m.DeliveryMethod(row.delivery_method),
                date=row.delivery_date,
                window=row.delivery_window,
            )
        return cls(
            id=row.id,
            token=row.token,
            status=m.CartStatus(row.status),
            email=row.email,
            currency=row.currency,
            shipping_address=ShippingAddress.from_json(row.shipping_address),
            delivery=delivery,
            payment_method=row.payment_method,
            coupon_codes=list(row.coupon_codes or []),
            points_to_spend=row.points_to_spend,
            updated_at=row.updated_at,
        )

    async def _pricing(self, info: Info) -> Pricing:
        pricing = await info.context.loaders.orders.cart_pricing.load(self.id)
        assert pricing is not None
        return pricing

    @strawberry.field(description="The lines, in the order they were added.")
    async def lines(self, info: Info) -> list[CartLineType]:
        pricing = await self._pricing(info)
        return [CartLineType.from_priced(line, pricing.currency) for line in pricing.lines]

    @strawberry.field(description="Number of units in the cart (for the cart badge).")
    async def item_count(self, info: Info) -> int:
        return sum(line.quantity for line in (await self._pricing(info)).lines)

    @strawberry.field(description="Subtotal, discounts, shipping, points and total, as of now.")
    async def totals(self, info: Info) -> CheckoutTotals:
        return CheckoutTotals.from_pricing(await self._pricing(info))

    @strawberry.field(
        description="What checkoutComplete would refuse right now: a line out of stock or "
        "no longer sold, a coupon that stopped applying. Empty when all is well."
    )
    async def problems(self, info: Info) -> list[OrderError]:
        return as_errors((await self._pricing(info)).problems)

    @strawberry.field(description="Every delivery method with its fee for this cart.")
    async def delivery_options(self, info: Info) -> list[DeliveryOption]:
        pricing = await self._pricing(info)
        goods = pricing.subtotal - pricing.goods_discount
        options = []
        for method in m.DeliveryMethod:
            fee, _ = delivery_fee(method, goods)
            label = DELIVERY_LABELS[method]
            if method == m.DeliveryMethod.STANDARD:
                label += f" (free from {FREE_STANDARD_DELIVERY_FROM:.2f})"
            options.append(
                DeliveryOption(
                    method=method,
                    label=label,
                    fee=money(fee, pricing.currency),
                    list_fee=money(DELIVERY_FEES[method], pricing.currency),
                )
            )
        return options


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

    @strawberry.field(description="Refunds made on this payment, oldest first.")
    async def refunds(self, info: Info) -> list[RefundType]:
        rows = await info.context.loaders.orders.refunds_by_payment_id.load(self.id)
        return [RefundType.from_model(row, self.currency) for row in rows]


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
    def from_model(cls, row: OrderLine, currency: str = "EUR") -> Self:
        # A line has no currency column; it is its order's (EUR, like the catalog).
        c = currency
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
    actor: str = strawberry.field(description="customer, guest, staff or system.")
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
        delivery = None
        if row.delivery_method is not None:
            delivery = DeliveryChoice(
                method=m.DeliveryMethod(row.delivery_method),
                date=row.delivery_date,
                window=row.delivery_window,
            )
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
            delivery=delivery,
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
        placed = next((e for e in events if e.kind == "placed"), None)
        snapshot: list[dict[str, str]] = list((placed.data if placed else {}).get("discounts", []))  # type: ignore[call-overload]
        return OrderTotals(
            subtotal=money(row.subtotal, c),
            discounts=[
                Discount(
                    code=d.get("code"),
                    kind=m.CouponKind(d.get("kind", m.CouponKind.FIXED_AMOUNT.value)),
                    amount=money(d.get("amount", "0"), c),
                    reason=d.get("reason", ""),
                )
                for d in snapshot
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
        return [OrderLineType.from_model(row, self.currency) for row in rows]

    @strawberry.field(description="Payment attempts, oldest first (failed ones included).")
    async def payments(self, info: Info) -> list[PaymentType]:
        rows = await info.context.loaders.orders.payments_by_order_id.load(self.id)
        return [PaymentType.from_model(row) for row in rows]

    @strawberry.field(description="The timeline: who did what, when, oldest first.")
    async def events(self, info: Info) -> list[OrderEventType]:
        rows = await info.context.loaders.orders.events_by_order_id.load(self.id)
        return [OrderEventType.from_model(row) for row in rows]


@strawberry.type(description="A page of orders, newest first.")
class OrderConnection(relay.Connection[OrderType]):
    total_count: int | None = strawberry.field(description=TOTAL_COUNT)

    @classmethod
    def from_page(cls, page: Page[Any]) -> OrderConnection:
        return cls(**_connection_fields(page, OrderType.from_model))


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
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            max_uses=row.max_uses,
            per_customer_limit=row.per_customer_limit,
            new_customers_only=row.new_customers_only,
            used_count=row.used_count,
            category_ids=[relay.GlobalID("Category", str(i)) for i in row.category_ids or []],
            product_ids=[relay.GlobalID("Product", str(i)) for i in row.product_ids or []],
        )
