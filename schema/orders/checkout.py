"""Cart and checkout mutations: lines, email, address, delivery, payment method, coupons,
points, and placing the order."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from models import orders as m
from resolvers.context import Info
from resolvers.orders import carts
from schema.nodes import typed_pk
from schema.orders.common import DeliveryMethod
from schema.orders.payloads import CartPayload, OrderPayload, cart_payload, payment_payload
from services.orders import coupons as coupon_service
from services.orders.details import AddressSpec

TOKEN = (
    "The guest cart token; may instead be sent as the X-Cart-Token header. A signed-in "
    "customer may omit it to use their own cart."
)

TokenArg = Annotated[str | None, strawberry.argument(description=TOKEN)]


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


@strawberry.type
class CheckoutMutation:
    @strawberry.mutation(
        description="Start a cart. Guests get a new cart each time: keep its `token` and send "
        "it as the X-Cart-Token header. A signed-in customer gets their one open cart."
    )
    async def cart_create(self, info: Info) -> CartPayload:
        return await cart_payload(carts.create_cart(info))

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
        return await cart_payload(
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
        return await cart_payload(
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
        return await cart_payload(
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
        return await cart_payload(carts.set_email(info, token=token, email=email))

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
        return await cart_payload(
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
        return await cart_payload(
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
        return await cart_payload(carts.set_payment_method(info, token=token, method=method))

    @strawberry.mutation(
        description="Apply a coupon code (case-insensitive). " + coupon_service.STACKING_RULE
    )
    async def checkout_apply_coupon(
        self,
        info: Info,
        code: str,
        token: TokenArg = None,
    ) -> CartPayload:
        return await cart_payload(carts.apply_coupon(info, token=token, code=code))

    @strawberry.mutation(description="Take a coupon off the cart.")
    async def checkout_remove_coupon(
        self,
        info: Info,
        code: str,
        token: TokenArg = None,
    ) -> CartPayload:
        return await cart_payload(carts.remove_coupon(info, token=token, code=code))

    @strawberry.mutation(
        description="Loyalty points to spend on this order (signed-in customers). What they "
        "take off is in totals.pointsDiscount and totals.pointsNote: whole points at the "
        "program's point value, from its minimum, up to its share of the order; they are "
        "spent when the order is placed and come back if it is cancelled or refunded."
    )
    async def checkout_set_points(
        self,
        info: Info,
        points_to_spend: int,
        token: TokenArg = None,
    ) -> CartPayload:
        return await cart_payload(carts.set_points(info, token=token, points=points_to_spend))

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
        return await payment_payload(
            carts.complete(
                info, token=token, idempotency_key=idempotency_key, payment_token=payment_token
            )
        )
