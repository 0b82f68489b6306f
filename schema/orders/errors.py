"""The orders domain's error type: expected failures travel as data in mutation payloads."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import strawberry

from schema.payloads import payload_errors
from services.errors import DomainError, DomainErrors
from services.orders import errors as order_errors

T = TypeVar("T")

OrderErrorCode = strawberry.enum(
    order_errors.OrderErrorCode,
    name="OrderErrorCode",
    description=(
        "Why a cart, checkout, order or coupon operation failed. Cart: CART_NOT_FOUND "
        "(no open cart for this token/user), CART_EMPTY, LINE_NOT_FOUND, VARIANT_NOT_FOUND, "
        "QUANTITY_INVALID (1-99 per line), INSUFFICIENT_STOCK (see `available`), "
        "PRODUCT_UNAVAILABLE, CURRENCY_MISMATCH (a cart holds one currency, taken from its "
        "first line; also a coupon defined in another currency). Checkout: EMAIL_REQUIRED, "
        "EMAIL_INVALID, ADDRESS_INCOMPLETE "
        "(`field` names the missing part), ADDRESS_NOT_FOUND, ADDRESS_REQUIRED, "
        "DELIVERY_METHOD_REQUIRED, DELIVERY_DATE_INVALID, DELIVERY_WINDOW_INVALID, "
        "DELIVERY_NOT_AVAILABLE (no delivery fees are defined for the cart's currency), "
        "PAYMENT_METHOD_INVALID, PAYMENT_METHOD_REQUIRED, POINTS_INVALID, "
        "IDEMPOTENCY_KEY_INVALID. Coupons: COUPON_NOT_FOUND, COUPON_EXPIRED, "
        "COUPON_NOT_STARTED, COUPON_USAGE_LIMIT, COUPON_MIN_SPEND, COUPON_NOT_APPLICABLE, "
        "COUPON_NEW_CUSTOMERS_ONLY, COUPON_NOT_STACKABLE, COUPON_INVALID, COUPON_CODE_TAKEN. "
        "Payment: CARD_DECLINED, INSUFFICIENT_FUNDS, PAYMENT_TOKEN_INVALID, "
        "PAYMENT_PROVIDER_ERROR (try again), PAYMENT_IN_PROGRESS (another payment of this order "
        "is under way or its outcome is being settled: reload the order in a moment), "
        "ALREADY_PAID. Orders: ORDER_NOT_FOUND, ORDER_NOT_PAYABLE, "
        "TRANSITION_NOT_ALLOWED, CANCEL_NOT_ALLOWED, REFUND_INVALID, REFUND_EXCEEDS_CAPTURED. "
        "orderMarkShipped: CARRIER_NOT_FOUND, TRACKING_NUMBER_INVALID, TRACKING_NUMBER_IN_USE."
    ),
)


@strawberry.type(description="An expected failure of an orders operation.")
class OrderError:
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase), or null when it is not one field."
    )
    message: str = strawberry.field(description="A sentence you can show the shopper.")
    code: OrderErrorCode  # type: ignore[valid-type]
    available: int | None = strawberry.field(
        default=None,
        description="For INSUFFICIENT_STOCK: how many units are left (0 when sold out).",
    )


def as_errors(problems: DomainError | DomainErrors | list[DomainError]) -> list[OrderError]:
    return payload_errors(problems, OrderError, order_errors.OrderErrorCode)


async def attempt(call: Awaitable[T]) -> tuple[T | None, list[OrderError]]:
    """Run a resolver; expected failures come back as errors, anything else propagates."""
    try:
        return await call, []
    except (DomainError, DomainErrors) as failure:
        return None, as_errors(failure)
