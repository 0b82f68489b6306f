"""The one exception services raise for expected failures; payloads turn it into data."""

from __future__ import annotations

from enum import StrEnum


class DomainError(Exception):
    """An expected failure: a machine code, a human message and the input field at fault."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class DomainErrors(Exception):
    """Several expected failures found at once (e.g. every invalid field of a form)."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


class IdentityErrorCode(StrEnum):
    """Codes of a guest shopper who sent no usable identity; the enums of every domain that
    files behaviour under a shopper (analytics, feed) carry them."""

    MISSING_IDENTITY = "MISSING_IDENTITY"
    INVALID_IDENTITY = "INVALID_IDENTITY"


class InputErrorCode(StrEnum):
    """Codes of malformed input, found before any domain rule runs; every domain's code enum
    carries them so that one validator can answer in any mutation payload."""

    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_PRECISE = "TOO_PRECISE"
    INVALID_ID = "INVALID_ID"
