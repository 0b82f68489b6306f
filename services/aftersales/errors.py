"""Machine codes of every expected failure of after-sales, shared with the API enum."""

from __future__ import annotations

from enum import StrEnum

from services.errors import DomainError


class AftersalesErrorCode(StrEnum):
    CASE_NOT_FOUND = "CASE_NOT_FOUND"
    ORDER_NOT_FOUND = "ORDER_NOT_FOUND"
    ORDER_NOT_DELIVERED = "ORDER_NOT_DELIVERED"
    LINES_REQUIRED = "LINES_REQUIRED"
    LINE_NOT_FOUND = "LINE_NOT_FOUND"
    LINE_REPEATED = "LINE_REPEATED"
    QUANTITY_INVALID = "QUANTITY_INVALID"
    QUANTITY_EXCEEDS_RETURNABLE = "QUANTITY_EXCEEDS_RETURNABLE"
    OUTSIDE_RETURN_WINDOW = "OUTSIDE_RETURN_WINDOW"
    FINAL_SALE = "FINAL_SALE"
    NOTE_REQUIRED = "NOTE_REQUIRED"
    TRANSITION_NOT_ALLOWED = "TRANSITION_NOT_ALLOWED"
    INSPECTION_INCOMPLETE = "INSPECTION_INCOMPLETE"
    ALREADY_RATED = "ALREADY_RATED"
    RATING_NOT_OPEN = "RATING_NOT_OPEN"
    RATING_CLOSED = "RATING_CLOSED"
    RATING_INVALID = "RATING_INVALID"
    ASSIGNEE_INVALID = "ASSIGNEE_INVALID"
    TAG_INVALID = "TAG_INVALID"
    URL_INVALID = "URL_INVALID"
    REFUND_FAILED = "REFUND_FAILED"
    # From logistics and orders, when a case's parcel or replacement order is made.
    CARRIER_NOT_FOUND = "CARRIER_NOT_FOUND"
    TRACKING_NUMBER_INVALID = "TRACKING_NUMBER_INVALID"
    TRACKING_NUMBER_IN_USE = "TRACKING_NUMBER_IN_USE"
    PARCEL_FAILED = "PARCEL_FAILED"
    VARIANT_NOT_FOUND = "VARIANT_NOT_FOUND"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    REPLACEMENT_FAILED = "REPLACEMENT_FAILED"
    # Malformed input (services.errors.InputErrorCode), refused before domain rules.
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_PRECISE = "TOO_PRECISE"
    INVALID_ID = "INVALID_ID"


def error(code: AftersalesErrorCode, message: str, *, field: str | None = None) -> DomainError:
    return DomainError(code.value, message, field=field)


def translated(failure: DomainError, fallback: AftersalesErrorCode) -> DomainError:
    """Another domain's failure as an after-sales one: the same code when after-sales has
    it, else `fallback`, with the original message and field."""
    known = {code.value for code in AftersalesErrorCode}
    code = failure.code if failure.code in known else fallback.value
    return DomainError(code, failure.message, field=failure.field)
