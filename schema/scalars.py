"""Scalars that refuse values no column can hold, before any resolver sees them."""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.exceptions import StrawberryGraphQLError

# Larger than any money column (12 digits) but small enough that arithmetic on it is cheap;
# each field's own column bound is checked later, with the field named.
MAX_DECIMAL_DIGITS = 18
MAX_DECIMAL_PLACES = 10
_MAX_TEXT = 64


def _refuse(reason: str) -> StrawberryGraphQLError:
    return StrawberryGraphQLError(reason, extensions={"code": "BAD_USER_INPUT"})


def parse_decimal(value: Any) -> Decimal:
    """A finite decimal of bounded size; `-0` becomes `0` (it would be stored as -0.00)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _refuse('Decimal values are strings such as "19.99" (or JSON numbers).')
    text = str(value).strip()
    if len(text) > _MAX_TEXT:
        raise _refuse(f"A Decimal has at most {_MAX_TEXT} characters.")
    try:
        number = Decimal(text)
    except decimal.InvalidOperation:
        raise _refuse('Not a decimal number; send digits such as "19.99".') from None
    if not number.is_finite():
        raise _refuse("A Decimal must be a finite number (not NaN or Infinity).")
    if number.is_zero():
        return number.copy_abs()
    if number.adjusted() >= MAX_DECIMAL_DIGITS:
        raise _refuse(f"A Decimal has at most {MAX_DECIMAL_DIGITS} digits before the point.")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMAL_PLACES:
        number = number.normalize()
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > MAX_DECIMAL_PLACES:
            raise _refuse(f"A Decimal has at most {MAX_DECIMAL_PLACES} decimal places.")
    return number


DecimalScalar = strawberry.scalar(
    name="Decimal",
    description='Decimal (fixed-point), sent as a string such as "19.99"; finite, at most '
    f"{MAX_DECIMAL_DIGITS} digits before the point and {MAX_DECIMAL_PLACES} after (each field "
    "may allow fewer, e.g. money has 2 decimal places).",
    serialize=str,
    parse_value=parse_decimal,
)


def parse_datetime(value: Any) -> dt.datetime:
    """An ISO 8601 date-time; one without an offset is read as UTC, so that it compares."""
    if not isinstance(value, str) or len(value) > _MAX_TEXT:
        raise _refuse('DateTime values are ISO 8601 strings such as "2030-01-31T12:00:00Z".')
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _refuse('Not a date-time; send ISO 8601 such as "2030-01-31T12:00:00Z".') from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


DateTimeScalar = strawberry.scalar(
    name="DateTime",
    description="Date with time (ISO 8601); a value without an offset is taken as UTC.",
    serialize=dt.datetime.isoformat,
    parse_value=parse_datetime,
)

SCALAR_OVERRIDES: dict[object, Any] = {Decimal: DecimalScalar, dt.datetime: DateTimeScalar}
