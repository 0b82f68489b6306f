"""Error codes of the analytics domain, returned in `trackEvents` payload errors."""

from __future__ import annotations

from enum import StrEnum


class AnalyticsErrorCode(StrEnum):
    TOO_MANY_EVENTS = "TOO_MANY_EVENTS"
    INVALID_KIND = "INVALID_KIND"
    INVALID_PRODUCT = "INVALID_PRODUCT"
    INVALID_VARIANT = "INVALID_VARIANT"
    MISSING_PRODUCT = "MISSING_PRODUCT"
    MISSING_QUERY = "MISSING_QUERY"
    INVALID_QUERY = "INVALID_QUERY"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    INVALID_CONTEXT = "INVALID_CONTEXT"
    MISSING_IDENTITY = "MISSING_IDENTITY"
    INVALID_IDENTITY = "INVALID_IDENTITY"
    # Malformed input (services.errors.InputErrorCode), refused before domain rules.
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_PRECISE = "TOO_PRECISE"
    INVALID_ID = "INVALID_ID"
