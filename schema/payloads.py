"""Mutation payload helpers shared by every domain: service failures become `errors` data."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

from strawberry.utils.str_converters import to_camel_case

from services.errors import DomainError, DomainErrors

E = TypeVar("E")


def payload_errors(
    error: DomainError | DomainErrors, error_type: Callable[..., E], codes: type[Enum]
) -> list[E]:
    """One `error_type(field=, message=, code=)` per failure, fields in camelCase.

    Usage: `except (DomainError, DomainErrors) as e: return XPayload(errors=payload_errors(
    e, XError, XErrorCode))`. A code missing from `codes` raises: that is a bug, not input.
    """
    failures = error.errors if isinstance(error, DomainErrors) else [error]
    return [
        error_type(
            field=to_camel_case(failure.field) if failure.field else None,
            message=failure.message,
            code=codes(failure.code),
        )
        for failure in failures
    ]
