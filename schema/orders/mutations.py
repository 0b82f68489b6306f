"""Orders mutations: paying, cancelling, fulfilling and refunding orders, and coupons; the
cart and checkout steps come first, from CheckoutMutation."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry import relay

from models import orders as m
from resolvers.context import Info
from resolvers.orders import orders
from schema.nodes import optional_typed_pk, typed_pk
from schema.orders.checkout import CheckoutMutation
from schema.orders.common import CouponKind
from schema.orders.payloads import (
    CouponPayload,
    OrderPayload,
    coupon_payload,
    order_payload,
    payment_payload,
)
from services.orders import coupons as coupon_service


@strawberry.input(description="A new coupon. " + coupon_service.STACKING_RULE)
class CouponCreateInput:
    code: str = strawberry.field(description="3-40 letters, digits, - or _; stored upper-case.")
    kind: CouponKind  # type: ignore[valid-type]
    value: Decimal = strawberry.field(
        default=Decimal(0),
        description="Percent (0-100] for PERCENTAGE; amount off for FIXED_AMOUNT and "
        "SPEND_THRESHOLD; ignored for FREE_SHIPPING.",
    )
    threshold_amount: Decimal | None = strawberry.field(
        default=None, description="SPEND_THRESHOLD: spend at least this on eligible items."
    )
    min_spend: Decimal | None = strawberry.field(
        default=None, description="Cart subtotal needed to use the coupon."
    )
    currency: str = strawberry.field(
        default="EUR",
        description="ISO 4217 code of value (FIXED_AMOUNT, SPEND_THRESHOLD), thresholdAmount "
        "and minSpend; such a coupon applies only to carts in this currency.",
    )
    starts_at: datetime | None = strawberry.field(
        default=None,
        description="When the coupon starts, e.g. 2026-12-01T00:00:00Z; a time without an "
        "offset is read as UTC.",
    )
    ends_at: datetime | None = strawberry.field(
        default=None, description="When it stops working; without an offset read as UTC."
    )
    max_uses: int | None = strawberry.field(default=None, description="Total uses; null: no limit.")
    per_customer_limit: int | None = strawberry.field(
        default=None, description="Uses per customer (by account or email); null: no limit."
    )
    new_customers_only: bool = strawberry.field(
        default=False, description="Only for shoppers without a previous paid order."
    )
    category_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list,
        description="Limit to these categories and their descendants.",
    )
    product_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Limit to these products."
    )

    def to_spec(self) -> coupon_service.CouponSpec:
        return coupon_service.CouponSpec(
            code=self.code,
            kind=m.CouponKind(self.kind),
            value=self.value,
            threshold_amount=self.threshold_amount,
            min_spend=self.min_spend,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            max_uses=self.max_uses,
            per_customer_limit=self.per_customer_limit,
            new_customers_only=self.new_customers_only,
            currency=self.currency.strip().upper(),
            category_ids=tuple(typed_pk(g, "Category") for g in self.category_ids),
            product_ids=tuple(typed_pk(g, "Product") for g in self.product_ids),
        )


def _order_pk(gid: relay.GlobalID) -> int | None:
    # Any ID that is not an order's is ORDER_NOT_FOUND, like an order the caller may not see.
    return optional_typed_pk(gid, "Order")


@strawberry.type
class OrdersMutation(CheckoutMutation):
    @strawberry.mutation(
        description="Pay an UNPAID order (your own; guests send the X-Cart-Token header of "
        "the cart it came from)."
    )
    async def order_pay(
        self, info: Info, order_id: relay.GlobalID, payment_token: str
    ) -> OrderPayload:
        return await payment_payload(
            orders.pay(info, order_id=_order_pk(order_id), payment_token=payment_token)
        )

    @strawberry.mutation(
        description="Cancel an order before it ships (the customer's own, or any with "
        "MANAGE_ORDERS). What was paid is refunded and the stock goes back on the shelf."
    )
    async def order_cancel(
        self, info: Info, order_id: relay.GlobalID, reason: str = ""
    ) -> OrderPayload:
        return await order_payload(orders.cancel(info, order_id=_order_pk(order_id), reason=reason))

    @strawberry.mutation(description="Start fulfilling a PAID order. Needs MANAGE_ORDERS.")
    async def order_fulfill(self, info: Info, order_id: relay.GlobalID) -> OrderPayload:
        return await order_payload(orders.fulfill(info, order_id=_order_pk(order_id)))

    @strawberry.mutation(
        description="Mark an order shipped, in one parcel: everything not yet in a shipment "
        "becomes one (see Order.shipments; shipmentCreate ships in several parcels). Needs "
        "MANAGE_ORDERS."
    )
    async def order_mark_shipped(
        self,
        info: Info,
        order_id: relay.GlobalID,
        note: Annotated[str, strawberry.argument(description="For the order timeline.")] = "",
        carrier: Annotated[
            str | None, strawberry.argument(description="A carrier code; default `other`.")
        ] = None,
        tracking_number: Annotated[
            str | None, strawberry.argument(description="The parcel's tracking number.")
        ] = None,
    ) -> OrderPayload:
        return await order_payload(
            orders.mark_shipped(
                info,
                order_id=_order_pk(order_id),
                note=note,
                carrier=carrier,
                tracking_number=tracking_number,
            )
        )

    @strawberry.mutation(description="Mark a SHIPPED order delivered. Needs MANAGE_ORDERS.")
    async def order_mark_delivered(self, info: Info, order_id: relay.GlobalID) -> OrderPayload:
        return await order_payload(orders.mark_delivered(info, order_id=_order_pk(order_id)))

    @strawberry.mutation(
        description="Refund part or all of what was captured; the order becomes "
        "PARTIALLY_REFUNDED or REFUNDED. More than was captured is REFUND_EXCEEDS_CAPTURED. "
        "Re-sending the same `idempotencyKey` refunds nothing more. Needs MANAGE_ORDERS."
    )
    async def order_refund(
        self,
        info: Info,
        order_id: relay.GlobalID,
        amount: Decimal,
        reason: str,
        idempotency_key: str | None = None,
    ) -> OrderPayload:
        return await order_payload(
            orders.refund(
                info,
                order_id=_order_pk(order_id),
                amount=amount,
                reason=reason,
                idempotency_key=idempotency_key,
            )
        )

    @strawberry.mutation(description="Create a coupon. Needs MANAGE_ORDERS.")
    async def coupon_create(self, info: Info, input: CouponCreateInput) -> CouponPayload:
        return await coupon_payload(orders.create_coupon(info, spec=input.to_spec()))
