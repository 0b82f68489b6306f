"""Machine codes of every expected failure in the logistics domain, shared with the API enum."""

from __future__ import annotations

from enum import StrEnum

from services.errors import DomainError


class LogisticsErrorCode(StrEnum):
    ORDER_NOT_FOUND = "ORDER_NOT_FOUND"
    ORDER_NOT_SHIPPABLE = "ORDER_NOT_SHIPPABLE"
    SHIPMENT_NOT_FOUND = "SHIPMENT_NOT_FOUND"
    CARRIER_NOT_FOUND = "CARRIER_NOT_FOUND"
    CARRIER_CODE_TAKEN = "CARRIER_CODE_TAKEN"
    CARRIER_CODE_INVALID = "CARRIER_CODE_INVALID"
    LINE_NOT_FOUND = "LINE_NOT_FOUND"
    LINES_REQUIRED = "LINES_REQUIRED"
    QUANTITY_INVALID = "QUANTITY_INVALID"
    QUANTITY_EXCEEDS_UNSHIPPED = "QUANTITY_EXCEEDS_UNSHIPPED"
    TRACKING_NUMBER_INVALID = "TRACKING_NUMBER_INVALID"
    TRACKING_NUMBER_IN_USE = "TRACKING_NUMBER_IN_USE"
    SHIPMENT_ALREADY_LEFT = "SHIPMENT_ALREADY_LEFT"
    EVENT_INVALID = "EVENT_INVALID"
    BATCH_TOO_LARGE = "BATCH_TOO_LARGE"
    TRACKING_TOKEN_INVALID = "TRACKING_TOKEN_INVALID"
    # Malformed input (services.errors.InputErrorCode), refused before domain rules.
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_PRECISE = "TOO_PRECISE"
    INVALID_ID = "INVALID_ID"


def error(code: LogisticsErrorCode, message: str, *, field: str | None = None) -> DomainError:
    return DomainError(code.value, message, field=field)
