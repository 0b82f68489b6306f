"""The machine codes of expected feed failures (DomainError.code), shared with the API enum."""

from __future__ import annotations

from enum import StrEnum


class FeedErrorCode(StrEnum):
    INVALID_PRODUCT = "INVALID_PRODUCT"
    MISSING_IDENTITY = "MISSING_IDENTITY"
    INVALID_IDENTITY = "INVALID_IDENTITY"
    # Malformed input (services.errors.InputErrorCode), refused before domain rules.
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_PRECISE = "TOO_PRECISE"
    INVALID_ID = "INVALID_ID"
