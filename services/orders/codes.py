"""Machine codes of every expected failure in the orders domain, shared with the API enum."""

from __future__ import annotations

from enum import StrEnum

from services.errors import DomainError


class OrderErrorCode(StrEnum):
    CART_NOT_FOUND = "CART_NOT_FOUND"
    CART_EMPTY = "CART_EMPTY"
    LINE_NOT_FOUND = "LINE_NOT_FOUND"
    VARIANT_NOT_FOUND = "VARIANT_NOT_FOUND"
    QUANTITY_INVALID = "QUANTITY_INVALID"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    PRODUCT_UNAVAILABLE = "PRODUCT_UNAVAILABLE"
    EMAIL_REQUIRED = "EMAIL_REQUIRED"
    EMAIL_INVALID = "EMAIL_INVALID"
    ADDRESS_INCOMPLETE = "ADDRESS_INCOMPLETE"
    ADDRESS_NOT_FOUND = "ADDRESS_NOT_FOUND"
    ADDRESS_REQUIRED = "ADDRESS_REQUIRED"
    DELIVERY_METHOD_REQUIRED = "DELIVERY_METHOD_REQUIRED"
    DELIVERY_DATE_INVALID = "DELIVERY_DATE_INVALID"
    DELIVERY_WINDOW_INVALID = "DELIVERY_WINDOW_INVALID"
    PAYMENT_METHOD_INVALID = "PAYMENT_METHOD_INVALID"
    PAYMENT_METHOD_REQUIRED = "PAYMENT_METHOD_REQUIRED"
    POINTS_INVALID = "POINTS_INVALID"
    IDEMPOTENCY_KEY_INVALID = "IDEMPOTENCY_KEY_INVALID"
    COUPON_NOT_FOUND = "COUPON_NOT_FOUND"
    COUPON_EXPIRED = "COUPON_EXPIRED"
    COUPON_NOT_STARTED = "COUPON_NOT_STARTED"
    COUPON_USAGE_LIMIT = "COUPON_USAGE_LIMIT"
    COUPON_MIN_SPEND = "COUPON_MIN_SPEND"
    COUPON_NOT_APPLICABLE = "COUPON_NOT_APPLICABLE"
    COUPON_NEW_CUSTOMERS_ONLY = "COUPON_NEW_CUSTOMERS_ONLY"
    COUPON_NOT_STACKABLE = "COUPON_NOT_STACKABLE"
    COUPON_INVALID = "COUPON_INVALID"
    COUPON_CODE_TAKEN = "COUPON_CODE_TAKEN"
    CARD_DECLINED = "CARD_DECLINED"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    PAYMENT_TOKEN_INVALID = "PAYMENT_TOKEN_INVALID"
    PAYMENT_PROVIDER_ERROR = "PAYMENT_PROVIDER_ERROR"
    PAYMENT_IN_PROGRESS = "PAYMENT_IN_PROGRESS"
    ALREADY_PAID = "ALREADY_PAID"
    ORDER_NOT_FOUND = "ORDER_NOT_FOUND"
    ORDER_NOT_PAYABLE = "ORDER_NOT_PAYABLE"
    TRANSITION_NOT_ALLOWED = "TRANSITION_NOT_ALLOWED"
    CANCEL_NOT_ALLOWED = "CANCEL_NOT_ALLOWED"
    REFUND_INVALID = "REFUND_INVALID"
    REFUND_EXCEEDS_CAPTURED = "REFUND_EXCEEDS_CAPTURED"
    # Malformed input (services.errors.InputErrorCode), refused before domain rules.
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_PRECISE = "TOO_PRECISE"
    INVALID_ID = "INVALID_ID"


class StockError(DomainError):
    """INSUFFICIENT_STOCK, with how many units are left to buy."""

    def __init__(
        self, *, available: int, field: str | None = "quantity", item: str | None = None
    ) -> None:
        available = max(available, 0)
        message = "Out of stock." if available == 0 else f"Only {available} left in stock."
        if item:
            message = f"{item}: {message}"
        super().__init__(OrderErrorCode.INSUFFICIENT_STOCK, message, field=field)
        self.available = available


def error(code: OrderErrorCode, message: str, *, field: str | None = None) -> DomainError:
    return DomainError(code.value, message, field=field)
