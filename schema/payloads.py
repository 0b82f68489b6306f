"""Mutation payload helpers shared by every domain: service failures become `errors` data."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, TypeVar

from strawberry.utils.str_converters import to_camel_case

from services.errors import DomainError, DomainErrors

E = TypeVar("E")

_COMMON = frozenset({"field", "message", "code"})


def payload_errors(
    error: DomainError | DomainErrors | Iterable[DomainError],
    error_type: Callable[..., E],
    codes: type[Enum],
) -> list[E]:
    """One `error_type(field=, message=, code=)` per failure, fields in camelCase.

    Usage: `except (DomainError, DomainErrors) as e: return XPayload(errors=payload_errors(
    e, XError, XErrorCode))`. A further field of `error_type` (OrderError.available) is
    filled from the failure's attribute of that name when it has one (StockError). A code
    missing from `codes` raises: that is a bug, not input.
    """
    if isinstance(error, DomainError):
        failures: Iterable[DomainError] = [error]
    elif isinstance(error, DomainErrors):
        failures = error.errors
    else:
        failures = error
    extra = [f.name for f in dataclasses.fields(error_type) if f.name not in _COMMON]  # type: ignore[arg-type]
    return [
        error_type(
            field=to_camel_case(failure.field) if failure.field else None,
            message=failure.message,
            code=codes(failure.code),
            **_extras(failure, extra),
        )
        for failure in failures
    ]


def _extras(failure: DomainError, names: list[str]) -> dict[str, Any]:
    return {name: getattr(failure, name) for name in names if hasattr(failure, name)}
