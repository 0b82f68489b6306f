"""Orders mutations: cart lines, checkout steps, placing, paying, fulfilling, refunding, coupons."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry import relay

from models import orders as m
from models.orders import Cart, Order
from resolvers.context import Info
from resolvers.orders import carts, orders
from schema.nodes import typed_pk
from schema.orders.carts import CartType
from schema.orders.common import CouponKind, DeliveryMethod
from schema.orders.errors import OrderError, as_errors, attempt
from schema.orders.queries import order_pk
from schema.orders.types import CouponType, OrderType
from services.orders import coupons as coupon_service
from services.orders.details import AddressSpec

TOKEN = (
    "The guest cart token; may instead be sent as the X-Cart-Token header. A signed-in "
    "customer may omit it to use their own cart."
)

TokenArg = Annotated[str | None, strawberry.argument(description=TOKEN)]


@strawberry.type(description="The cart after the change, or why it failed.")
class CartPayload:
    cart: CartType | None
    errors: list[OrderError]


@strawberry.type(description="The order, or why it could not be placed or paid.")
class OrderPayload:
    order: OrderType | None = strawberry.field(
        description="Also present when only the payment failed: the order then stays UNPAID "
        "with its stock reserved until `reservedUntil`; retry with orderPay."
    )
    errors: list[OrderError]


@strawberry.type(description="The new coupon, or why it could not be created.")
class CouponPayload:
    coupon: CouponType | None
    errors: list[OrderError]


@strawberry.input(description="A postal address typed at checkout.")
class ShippingAddressInput:
    full_name: str
    line1: str
    line2: str = ""
    city: str
    postal_code: str
    region: str = ""
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. DE.")
    phone: str = ""

    def to_spec(self) -> AddressSpec:
        return AddressSpec(
            full_name=self.full_name,
            line1=self.line1,
            line2=self.line2,
            city=self.city,
            postal_code=self.postal_code,
            region=self.region,
            country=self.country,
            phone=self.phone,
        )


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


async def _cart_payload(call: Awaitable[Cart]) -> CartPayload:
    row, errors = await attempt(call)
    return CartPayload(cart=CartType.from_model(row) if row is not None else None, errors=errors)


async def _order_payload(call: Awaitable[Order]) -> OrderPayload:
    row, errors = await attempt(call)
    return OrderPayload(order=OrderType.from_model(row) if row is not None else None, errors=errors)


@strawberry.type
class OrdersMutation:
    @strawberry.mutation(
        description="Start a cart. Guests get a new cart each time: keep its `token` and send "
        "it as the X-Cart-Token header. A signed-in customer gets their one open cart."
    )
    async def cart_create(self, info: Info) -> CartPayload:
        return await _cart_payload(carts.create_cart(info))

    @strawberry.mutation(
        description="Add units of a variant (1-99 per line, up to the stock). Adding a "
        "variant already in the cart increases its quantity. Prices are computed on the server."
    )
    async def cart_add_line(
        self,
        info: Info,
        variant_id: relay.GlobalID,
        quantity: int = 1,
        token: TokenArg = None,
    ) -> CartPayload:
        return await _cart_payload(
            carts.add_line(
                info,
                token=token,
                variant_id=typed_pk(variant_id, "Variant"),
                quantity=quantity,
            )
        )

    @strawberry.mutation(description="Set a line's quantity (0-99); 0 removes the line.")
    async def cart_update_line(
        self,
        info: Info,
        line_id: relay.GlobalID,
        quantity: int,
        token: TokenArg = None,
    ) -> CartPayload:
        return await _cart_payload(
            carts.update_line(
                info, token=token, line_id=typed_pk(line_id, "CartLine"), quantity=quantity
            )
        )

    @strawberry.mutation(description="Remove a line from the cart.")
    async def cart_remove_line(
        self,
        info: Info,
        line_id: relay.GlobalID,
        token: TokenArg = None,
    ) -> CartPayload:
        return await _cart_payload(
            carts.remove_line(info, token=token, line_id=typed_pk(line_id, "CartLine"))
        )

    @strawberry.mutation(
        description="The email the receipt goes to. Guests must set it; signed-in customers "
        "use their account's email unless they set another."
    )
    async def checkout_set_email(
        self,
        info: Info,
        email: str,
        token: TokenArg = None,
    ) -> CartPayload:
        return await _cart_payload(carts.set_email(info, token=token, email=email))

    @strawberry.mutation(
        description="Where to ship: a typed `address`, or `addressId` of one of the signed-in "
        "customer's saved addresses (exactly one of the two). ADDRESS_INCOMPLETE names the "
        "missing field."
    )
    async def checkout_set_shipping_address(
        self,
        info: Info,
        address: ShippingAddressInput | None = None,
        address_id: relay.GlobalID | None = None,
        token: TokenArg = None,
    ) -> CartPayload:
        address_pk = None
        if address_id is not None:
            address_pk = typed_pk(address_id, "Address")
        return await _cart_payload(
            carts.set_shipping_address(
                info,
                token=token,
                address=address.to_spec() if address else None,
                address_id=address_pk,
            )
        )

    @strawberry.mutation(
        description="How to deliver. Fees: STANDARD 4.95 (free from 50.00 of goods after "
        "discounts), EXPRESS 9.95, PARCEL_LOCKER 3.95, STORE_PICKUP 0.00. Optional `date` "
        "(from tomorrow up to 30 days ahead, UTC) and `window` (09:00-12:00, 12:00-15:00, "
        "15:00-18:00 or 18:00-21:00; not for parcel lockers; needs a date)."
    )
    async def checkout_set_delivery(
        self,
        info: Info,
        method: DeliveryMethod,  # type: ignore[valid-type]
        date: date | None = None,
        window: str | None = None,
        token: TokenArg = None,
    ) -> CartPayload:
        return await _cart_payload(
            carts.set_delivery(
                info, token=token, method=m.DeliveryMethod(method), when=date, window=window
            )
        )

    @strawberry.mutation(
        description="The payment provider. Built in: `test`, whose card tokens are tok_visa "
        "and tok_mastercard (succeed), tok_declined, tok_insufficient_funds and "
        "tok_processing_error."
    )
    async def checkout_set_payment_method(
        self,
        info: Info,
        method: str,
        token: TokenArg = None,
    ) -> CartPayload:
        return await _cart_payload(carts.set_payment_method(info, token=token, method=method))

    @strawberry.mutation(
        description="Apply a coupon code (case-insensitive). " + coupon_service.STACKING_RULE
    )
    async def checkout_apply_coupon(
        self,
        info: Info,
        code: str,
        token: TokenArg = None,
    ) -> CartPayload:
        return await _cart_payload(carts.apply_coupon(info, token=token, code=code))

    @strawberry.mutation(description="Take a coupon off the cart.")
    async def checkout_remove_coupon(
        self,
        info: Info,
        code: str,
        token: TokenArg = None,
    ) -> CartPayload:
        return await _cart_payload(carts.remove_coupon(info, token=token, code=code))

    @strawberry.mutation(
        description="Loyalty points to spend on this order (signed-in customers). Points "
        "cannot be spent yet: the discount stays 0.00 until membership switches it on."
    )
    async def checkout_set_points(
        self,
        info: Info,
        points_to_spend: int,
        token: TokenArg = None,
    ) -> CartPayload:
        return await _cart_payload(carts.set_points(info, token=token, points=points_to_spend))

    @strawberry.mutation(
        description="Place the order: re-price the cart, take stock and coupon uses "
        "atomically, then charge `paymentToken` if given. Send a fresh `idempotencyKey` "
        "(e.g. a UUID) per order and re-send the same key when retrying after a timeout: "
        "you get the same order back, never a second one. If the payment fails the order is "
        "returned UNPAID together with the payment error; retry with orderPay before "
        "`reservedUntil`."
    )
    async def checkout_complete(
        self,
        info: Info,
        idempotency_key: str,
        payment_token: str | None = None,
        token: TokenArg = None,
    ) -> OrderPayload:
        result, errors = await attempt(
            carts.complete(
                info, token=token, idempotency_key=idempotency_key, payment_token=payment_token
            )
        )
        if result is None:
            return OrderPayload(order=None, errors=errors)
        problems = [result.payment_error] if result.payment_error else []
        return OrderPayload(order=OrderType.from_model(result.order), errors=as_errors(problems))

    @strawberry.mutation(
        description="Pay an UNPAID order (your own; guests send the X-Cart-Token header of "
        "the cart it came from)."
    )
    async def order_pay(
        self, info: Info, order_id: relay.GlobalID, payment_token: str
    ) -> OrderPayload:
        result, errors = await attempt(
            orders.pay(info, order_id=order_pk(order_id), payment_token=payment_token)
        )
        if result is None:
            return OrderPayload(order=None, errors=errors)
        problems = [result.payment_error] if result.payment_error else []
        return OrderPayload(order=OrderType.from_model(result.order), errors=as_errors(problems))

    @strawberry.mutation(
        description="Cancel an order before it ships (the customer's own, or any with "
        "MANAGE_ORDERS). What was paid is refunded and the stock goes back on the shelf."
    )
    async def order_cancel(
        self, info: Info, order_id: relay.GlobalID, reason: str = ""
    ) -> OrderPayload:
        return await _order_payload(orders.cancel(info, order_id=order_pk(order_id), reason=reason))

    @strawberry.mutation(description="Start fulfilling a PAID order. Needs MANAGE_ORDERS.")
    async def order_fulfill(self, info: Info, order_id: relay.GlobalID) -> OrderPayload:
        return await _order_payload(orders.fulfill(info, order_id=order_pk(order_id)))

    @strawberry.mutation(description="Mark a FULFILLING order shipped. Needs MANAGE_ORDERS.")
    async def order_mark_shipped(
        self,
        info: Info,
        order_id: relay.GlobalID,
        note: Annotated[str, strawberry.argument(description="e.g. the tracking number.")] = "",
    ) -> OrderPayload:
        return await _order_payload(
            orders.mark_shipped(info, order_id=order_pk(order_id), note=note)
        )

    @strawberry.mutation(description="Mark a SHIPPED order delivered. Needs MANAGE_ORDERS.")
    async def order_mark_delivered(self, info: Info, order_id: relay.GlobalID) -> OrderPayload:
        return await _order_payload(orders.mark_delivered(info, order_id=order_pk(order_id)))

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
        return await _order_payload(
            orders.refund(
                info,
                order_id=order_pk(order_id),
                amount=amount,
                reason=reason,
                idempotency_key=idempotency_key,
            )
        )

    @strawberry.mutation(description="Create a coupon. Needs MANAGE_ORDERS.")
    async def coupon_create(self, info: Info, input: CouponCreateInput) -> CouponPayload:
        row, errors = await attempt(orders.create_coupon(info, spec=input.to_spec()))
        return CouponPayload(
            coupon=CouponType.from_model(row) if row is not None else None, errors=errors
        )
