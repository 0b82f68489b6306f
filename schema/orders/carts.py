"""Cart types: lines priced now, checkout totals and delivery options."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, ClassVar, Self

import strawberry
from strawberry import relay

from models import orders as m
from models.orders import Cart, CartLine
from resolvers.context import Info
from resolvers.orders import carts
from resolvers.orders.access import can_see_cart
from schema.catalog.types import Money, VariantType
from schema.nodes import node_pk
from schema.orders.common import (
    CartStatus,
    DeliveryChoice,
    DeliveryMethod,
    Discount,
    OwnedNode,
    ShippingAddress,
    money,
)
from schema.orders.errors import OrderError, as_errors
from services import clock
from services.logistics.promise import promise_for
from services.orders.delivery import delivery_options
from services.orders.pricing import PricedLine, Pricing


@strawberry.type(description="A delivery method the shopper can pick, priced for this cart.")
class DeliveryOption:
    method: DeliveryMethod  # type: ignore[valid-type]
    label: str
    fee: Money = strawberry.field(description="What this method costs for the cart as it is.")
    list_fee: Money = strawberry.field(description="The method's usual fee.")
    promised_from: date | None = strawberry.field(
        description="Ordered now, it arrives on this business day at the earliest."
    )
    promised_to: date | None = strawberry.field(
        description="... and at the latest: the promise its shipments are measured against."
    )


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
    discount_total: Money = strawberry.field(
        description="Sum of `discounts` and of the member tier discount (in each line's notes)."
    )
    shipping: Money = strawberry.field(
        description="The fee of the chosen delivery method (0.00 until one is chosen). A "
        "FREE_SHIPPING coupon shows up in `discounts`, not here."
    )
    shipping_note: str = strawberry.field(description='e.g. "Free standard delivery from 50.00".')
    points_discount: Money = strawberry.field(
        description="What `pointsToSpend` takes off (never more than the points the member "
        "has available, the program's share of the order, or whole points allow)."
    )
    points_note: str = strawberry.field(description='e.g. "500 points take 5.00 EUR off."')
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
            key = node_pk(node_id)
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
    currency: str = strawberry.field(
        description="ISO 4217 code of every amount in the cart: the currency of its first "
        "line. Adding a variant priced in another currency answers CURRENCY_MISMATCH."
    )
    shipping_address: ShippingAddress | None
    delivery: DeliveryChoice | None
    payment_method: str | None = strawberry.field(description="Payment provider, e.g. `test`.")
    coupon_codes: list[str] = strawberry.field(description="Coupons applied, upper-cased.")
    points_to_spend: int = strawberry.field(
        description="Loyalty points the shopper asked to spend; what they take off is "
        "totals.pointsDiscount."
    )
    updated_at: datetime

    @classmethod
    async def visible(cls, info: Info, row: Cart) -> bool:
        return can_see_cart(info, row)

    @classmethod
    def from_model(cls, row: Cart) -> Self:
        return cls(
            id=row.id,
            token=row.token,
            status=m.CartStatus(row.status),
            email=row.email,
            currency=row.currency,
            shipping_address=ShippingAddress.from_json(row.shipping_address),
            delivery=DeliveryChoice.of(row),
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
        description='"You will earn N points": what paying this cart now would earn the '
        "signed-in customer (pending until the return window passes); 0 for guests."
    )
    async def points_to_earn(self, info: Info) -> int:
        return await carts.points_to_earn(info, await self._pricing(info))

    @strawberry.field(
        description="What checkoutComplete would refuse right now: a line out of stock or "
        "no longer sold, a coupon that stopped applying. Empty when all is well."
    )
    async def problems(self, info: Info) -> list[OrderError]:
        return as_errors((await self._pricing(info)).problems)

    @strawberry.field(
        description="Every delivery method with its fee for this cart, in the cart's "
        "currency. Fees are defined per currency (EUR and GBP); for a cart in another "
        "currency the list is empty and checkoutSetDelivery answers DELIVERY_NOT_AVAILABLE."
    )
    async def delivery_options(self, info: Info) -> list[DeliveryOption]:
        pricing = await self._pricing(info)
        now = clock.now()
        options = []
        for option in delivery_options(pricing):
            promise = promise_for(option.method, ordered_at=now)
            options.append(
                DeliveryOption(
                    method=option.method,
                    label=option.label,
                    fee=money(option.fee, pricing.currency),
                    list_fee=money(option.list_fee, pricing.currency),
                    promised_from=promise.earliest if promise else None,
                    promised_to=promise.latest if promise else None,
                )
            )
        return options
