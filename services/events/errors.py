"""The machine codes of expected event and webhook failures (DomainError.code)."""

from __future__ import annotations

from enum import StrEnum


class EventErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID_URL = "INVALID_URL"
    PRIVATE_ADDRESS = "PRIVATE_ADDRESS"
    UNKNOWN_EVENT_TYPE = "UNKNOWN_EVENT_TYPE"
    EVENT_TYPE_NOT_ALLOWED = "EVENT_TYPE_NOT_ALLOWED"
    INVALID_DOCUMENT = "INVALID_DOCUMENT"
    INVALID_RANGE = "INVALID_RANGE"
    PAYLOAD_EXPIRED = "PAYLOAD_EXPIRED"
    LIMIT_REACHED = "LIMIT_REACHED"
    REQUIRED = "REQUIRED"
    # Malformed input (services.errors.InputErrorCode), refused before domain rules.
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_PRECISE = "TOO_PRECISE"
    INVALID_ID = "INVALID_ID"
