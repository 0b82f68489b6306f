"""The machine codes of expected catalog failures (DomainError.code), shared with the API enum."""

from __future__ import annotations

from enum import StrEnum


class CatalogErrorCode(StrEnum):
    SLUG_TAKEN = "SLUG_TAKEN"
    SKU_TAKEN = "SKU_TAKEN"
    INVALID_PRICE = "INVALID_PRICE"
    NOT_FOUND = "NOT_FOUND"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    CATEGORY_CYCLE = "CATEGORY_CYCLE"
    INVALID_AGE_RANGE = "INVALID_AGE_RANGE"
    INVALID_VALUE = "INVALID_VALUE"
    # Malformed input (services.errors.InputErrorCode), refused before domain rules.
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_PRECISE = "TOO_PRECISE"
    INVALID_ID = "INVALID_ID"
